# The consumer test: install the mnsim build into a fresh prefix, configure and
# build tests/consumer against it with find_package(mnsim), and run it.
#
#   cmake -DMNSIM_BUILD_DIR=<mnsim build> -DCONSUMER_SOURCE_DIR=<tests/consumer>
#         -DWORK_DIR=<scratch> [-DGENERATOR=<gen>] [-DCXX_COMPILER=<c++>]
#         [-DBUILD_TYPE=<type>] [-DLINKER_FLAGS=<flags>]
#         [-DPYTHON_SITE_DIR=<dir under the prefix> -DPYTHON_EXECUTABLE=<python>]
#         -P run_consumer_test.cmake
# With PYTHON_SITE_DIR (the build has the Python module), the installed
# module must import from the prefix and answer.
foreach(var MNSIM_BUILD_DIR CONSUMER_SOURCE_DIR WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_consumer_test.cmake: ${var} is not set")
  endif()
endforeach()

set(prefix ${WORK_DIR}/prefix)
set(build ${WORK_DIR}/build)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

function(run_step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "consumer test: ${what} failed (${rc})\n${out}\n${err}")
  endif()
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

# 1. Install.
run_step("cmake --install" ${CMAKE_COMMAND} --install ${MNSIM_BUILD_DIR} --prefix ${prefix})
foreach(f include/mnsim/core/units.hpp bin/mnsim)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "consumer test: the install lacks ${f}")
  endif()
endforeach()
file(GLOB_RECURSE config_files ${prefix}/*/mnsimConfig.cmake)
if(NOT config_files)
  message(FATAL_ERROR "consumer test: the install has no mnsimConfig.cmake")
endif()

# 1b. The Python module (no ';' in the script: CMake would split it there), when built: installed into the site dir, importable.
if(PYTHON_SITE_DIR)
  set(site ${prefix}/${PYTHON_SITE_DIR})
  if(NOT EXISTS ${site}/mnsim/__init__.py)
    message(FATAL_ERROR "consumer test: the install lacks the Python module in ${site}/mnsim")
  endif()
  run_step("importing the installed Python module"
           ${CMAKE_COMMAND} -E env PYTHONPATH=${site} PYTHONDONTWRITEBYTECODE=1
           ${PYTHON_EXECUTABLE} -c
           "import sys, mnsim\nassert mnsim.__file__.startswith(sys.argv[1]), mnsim.__file__\nprint(mnsim.atlas('neck').sites[0]['id'])"
           ${site})
  if(NOT step_output MATCHES "^neck")
    message(FATAL_ERROR "consumer test: the installed Python module answered '${step_output}'")
  endif()
endif()

# 2. Configure the consumer against the install only (no package registry).
set(configure_args -S ${CONSUMER_SOURCE_DIR} -B ${build} -DCMAKE_PREFIX_PATH=${prefix}
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF)
if(GENERATOR)
  list(APPEND configure_args -G ${GENERATOR})
endif()
if(CXX_COMPILER)
  list(APPEND configure_args -DCMAKE_CXX_COMPILER=${CXX_COMPILER})
endif()
if(BUILD_TYPE)
  list(APPEND configure_args -DCMAKE_BUILD_TYPE=${BUILD_TYPE})
endif()
if(LINKER_FLAGS)
  list(APPEND configure_args "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}")
endif()
run_step("configuring the consumer" ${CMAKE_COMMAND} ${configure_args})
if(NOT step_output MATCHES "mnsim 0\\.1\\.[0-9]+ from ([^\n]*)")
  message(FATAL_ERROR "consumer test: the consumer did not report where mnsim came from\n${step_output}")
endif()
string(FIND "${CMAKE_MATCH_1}" "${prefix}/" at)
if(NOT at EQUAL 0)
  message(FATAL_ERROR "consumer test: mnsim was found at ${CMAKE_MATCH_1}, not in ${prefix}")
endif()

# 3. Build it and 4. run it.
run_step("building the consumer" ${CMAKE_COMMAND} --build ${build})
run_step("running the consumer" ${build}/mnsim_consumer)
message(STATUS "${step_output}")
foreach(expected "site " "dermis" "total_um ")
  string(FIND "${step_output}" "${expected}" found)
  if(found EQUAL -1)
    message(FATAL_ERROR "consumer test: the output lacks '${expected}'")
  endif()
endforeach()
