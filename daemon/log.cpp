// Logging (see log.hpp): one write per line so lines from a crash are whole.
#include "daemon/log.hpp"

#include "reminding/literal.hpp"

#include <unistd.h>

#include <string>

namespace prereadd::daemon {

void log(priority p, std::string_view message)
{
    std::string line = "<" + std::to_string(static_cast<int>(p)) + ">";
    // One record per line in the journal, and no control byte from a name or a
    // server's message that could forge a record or drive a terminal.
    for (char c : message) {
        const auto b = static_cast<unsigned char>(c);
        if (c == '\n')
            line += ' ';
        else if (b < 0x20 || b == 0x7f)
            line += reminding::log_text(std::string_view(&c, 1));
        else
            line += c;
    }
    line += '\n';
    for (std::size_t written = 0; written < line.size();) {
        const ssize_t n = ::write(2, line.data() + written, line.size() - written);
        if (n <= 0) return;
        written += static_cast<std::size_t>(n);
    }
}

}  // namespace prereadd::daemon
