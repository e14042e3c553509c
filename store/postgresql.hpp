// A PostgreSQL connection whose queries run on the daemon's io_context:
// libpq's non-blocking API (PQconnectStart/PQconnectPoll, PQsendQueryParams,
// PQconsumeInput/PQisBusy) with the connection's socket waited on through
// Asio, so a slow query or a slow server never blocks the loop. The first
// piece of the PostgreSQL store (issue 18, docs/scaling.md); the store's
// statements are not ported to it yet.
//
// Every wait has a deadline. A deadline that passes, or a connection that
// breaks, leaves the connection closed (`open()` false): libpq 15 can cancel
// a query only with a blocking call, so the query is abandoned with its
// connection and the caller connects again. Errors are values
// (`prereadd.postgresql`); the server's own message, untrusted text, is kept
// in `server_message()` for the log.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct pg_conn;

namespace prereadd::store::postgresql {

enum class error {
    connect_failed = 1,  // refused, wrong password, no such database: server_message() says which
    query_failed,        // the server refused the statement (syntax, constraint, serialization)
    connection_lost,     // the connection broke, or was never opened
    timed_out,           // the deadline passed; the connection is closed
};

const boost::system::error_category& error_category() noexcept;
inline boost::system::error_code make_error_code(error e) noexcept { return {static_cast<int>(e), error_category()}; }

}  // namespace prereadd::store::postgresql

namespace boost::system {
template <>
struct is_error_code_enum<prereadd::store::postgresql::error> : std::true_type {
};
}  // namespace boost::system

namespace prereadd::store::postgresql {

// A statement's answer: its rows as text (NULL as nullopt) and, for
// INSERT/UPDATE/DELETE, how many rows it touched.
struct rows {
    std::vector<std::string> columns;
    std::vector<std::vector<std::optional<std::string>>> values;
    std::size_t affected = 0;
};

class connection {
public:
    explicit connection(boost::asio::any_io_executor executor);
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;
    ~connection();

    // `conninfo` is a libpq connection string or URI ("postgresql://…"); the
    // password, when there is one, apart from it (from the credential file:
    // the URI is shown in logs and `status`, the password never).
    boost::asio::awaitable<boost::system::error_code> async_connect(std::string conninfo,
                                                                    std::chrono::milliseconds deadline,
                                                                    std::string password = {});

    // One statement with $1, $2… parameters sent apart from its text (never
    // spliced into it). Statements asked for while one runs (the poll cycle
    // polls several projects at once) wait their turn, in order: libpq runs
    // one at a time per connection. The deadline counts from the turn.
    boost::asio::awaitable<boost::system::result<rows>> async_query(std::string sql,
                                                                    std::vector<std::optional<std::string>> params,
                                                                    std::chrono::milliseconds deadline);

    bool open() const noexcept;
    const std::string& server_message() const noexcept { return server_message_; }
    void close() noexcept;

private:
    enum class direction { read, write };
    boost::asio::awaitable<void> take_turn();
    void give_turn() noexcept;
    struct turn;
    boost::asio::awaitable<boost::system::error_code> wait(direction d, std::chrono::steady_clock::time_point until);
    bool watch_socket();

    boost::asio::any_io_executor executor_;
    pg_conn* conn_ = nullptr;
    std::optional<boost::asio::posix::stream_descriptor> socket_;  // libpq's socket, never closed by Asio
    boost::asio::steady_timer timer_;
    std::string server_message_;
    bool busy_ = false;
    std::deque<std::shared_ptr<boost::asio::steady_timer>> waiting_;  // woken by give_turn
};

}  // namespace prereadd::store::postgresql
