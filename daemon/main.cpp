// prereadd's entry point: everything happens in the CLI dispatcher.
// Start-up failures surface as exceptions and end here with a message.
#include "daemon/cli.hpp"

#include <exception>
#include <iostream>

int main(int argc, char** argv)
{
    try {
        return prereadd::daemon::run_cli(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "prereadd: " << e.what() << '\n';
        return 70;  // EX_SOFTWARE
    }
}
