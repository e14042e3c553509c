// The one translation unit compiled with the clone's path (source_tree.hpp says why).

#include "tests/support/source_tree.hpp"

namespace prereadd::test {

std::string source_path(std::string_view relative)
{
    std::string path = PREREADD_SOURCE_DIR;
    path += '/';
    path += relative;
    return path;
}

}  // namespace prereadd::test
