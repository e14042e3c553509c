// The compiled catalogues (po/<code>.po through msgfmt), built into the
// program by i18n/CMakeLists.txt: a daemon cannot run with catalogues other
// than those it was built and tested with.
#pragma once

#include <string_view>
#include <vector>

namespace prereadd::i18n {

struct compiled_catalogue {
    std::string_view code;  // "de"
    std::string_view mo;    // the .mo file's bytes
};

// Every language with a catalogue, in po/LINGUAS order (English has none: its sentences are the keys).
const std::vector<compiled_catalogue>& compiled_catalogues();

}  // namespace prereadd::i18n
