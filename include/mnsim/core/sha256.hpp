// SHA-256 of a byte string (OpenSSL's EVP digest), as lower-case hex.
#pragma once

#include <string>
#include <string_view>

namespace mnsim::core {

// The 64-character lower-case hex SHA-256 digest of `bytes`.
std::string sha256_hex(std::string_view bytes);

}  // namespace mnsim::core
