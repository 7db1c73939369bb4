# mnsim_embed_files(OUTPUT file...)
# Compiles the listed project files (paths relative to the source root) into
# OUTPUT, a C++ source defining mnsim::core::detail::embedded_table(), so the
# binary carries its own data tables and example cases.
set(MNSIM_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/EmbedFilesScript.cmake)

function(mnsim_embed_files output)
  set(abs_files "")
  foreach(f IN LISTS ARGN)
    list(APPEND abs_files ${PROJECT_SOURCE_DIR}/${f})
  endforeach()
  string(REPLACE ";" "|" files_arg "${ARGN}")
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DROOT=${PROJECT_SOURCE_DIR} "-DFILES=${files_arg}"
            -DOUTPUT=${output} -P ${MNSIM_EMBED_SCRIPT}
    DEPENDS ${abs_files} ${MNSIM_EMBED_SCRIPT}
    COMMENT "Embedding data/ and cases/ into the binary"
    VERBATIM)
  # Large data arrays in an anonymous namespace: compiled on their own, never
  # merged into a unity-build batch (CMAKE_UNITY_BUILD, scripts/test).
  set_source_files_properties(${output} PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
endfunction()

# mnsim_embed_files_as(OUTPUT ROOT NAMESPACE FUNCTION KEY_PREFIX file...): the same
# for files under ROOT (paths relative to it), as NAMESPACE::FUNCTION() (a
# `const std::vector<mnsim::core::EmbeddedFile>&`), each path prefixed with
# KEY_PREFIX.
function(mnsim_embed_files_as output root namespace function key_prefix)
  set(abs_files "")
  foreach(f IN LISTS ARGN)
    list(APPEND abs_files ${root}/${f})
  endforeach()
  string(REPLACE ";" "|" files_arg "${ARGN}")
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DROOT=${root} "-DFILES=${files_arg}" -DOUTPUT=${output}
            -DNAMESPACE=${namespace} -DFUNCTION=${function} -DKEY_PREFIX=${key_prefix}
            -P ${MNSIM_EMBED_SCRIPT}
    DEPENDS ${abs_files} ${MNSIM_EMBED_SCRIPT}
    COMMENT "Embedding ${key_prefix}* into the binary"
    VERBATIM)
  # Large data arrays in an anonymous namespace: compiled on their own, never
  # merged into a unity-build batch (CMAKE_UNITY_BUILD, scripts/test).
  set_source_files_properties(${output} PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
endfunction()
