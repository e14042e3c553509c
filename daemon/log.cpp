// Logging (see log.hpp): one write per line so lines from a crash are whole.
#include "daemon/log.hpp"

#include <unistd.h>

#include <string>

namespace prereadd::daemon {

void log(priority p, std::string_view message)
{
    std::string line = "<" + std::to_string(static_cast<int>(p)) + ">";
    for (char c : message) line += c == '\n' ? ' ' : c;  // one record per line in the journal
    line += '\n';
    for (std::size_t written = 0; written < line.size();) {
        const ssize_t n = ::write(2, line.data() + written, line.size() - written);
        if (n <= 0) return;
        written += static_cast<std::size_t>(n);
    }
}

}  // namespace prereadd::daemon
