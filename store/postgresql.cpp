// The asynchronous PostgreSQL connection (postgresql.hpp).
#include "store/postgresql.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <libpq-fe.h>

#include <utility>

namespace prereadd::store::postgresql {
namespace {

class category : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "prereadd.postgresql"; }
    std::string message(int ev) const override
    {
        switch (static_cast<error>(ev)) {
        case error::connect_failed: return "cannot connect to PostgreSQL";
        case error::query_failed: return "PostgreSQL refused the statement";
        case error::connection_lost: return "the connection to PostgreSQL is lost";
        case error::timed_out: return "PostgreSQL did not answer in time";
        }
        return "unknown PostgreSQL error";
    }
};

// libpq's messages end with a newline; the log wants one line.
std::string one_line(const char* text)
{
    std::string s = text ? text : "";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    for (auto& c : s)
        if (c == '\n') c = ' ';
    return s;
}

}  // namespace

const boost::system::error_category& error_category() noexcept
{
    static const category c;
    return c;
}

connection::connection(boost::asio::any_io_executor executor) : executor_(executor), timer_(executor) {}

connection::~connection() { close(); }

bool connection::open() const noexcept { return conn_ && PQstatus(conn_) == CONNECTION_OK; }

void connection::close() noexcept
{
    if (socket_) {
        boost::system::error_code ignored;
        socket_->cancel(ignored);
        socket_->release();  // libpq closes its own socket
        socket_.reset();
    }
    if (conn_) PQfinish(conn_);
    conn_ = nullptr;
}

// libpq may change sockets while connecting (another address of the host).
bool connection::watch_socket()
{
    const int fd = conn_ ? PQsocket(conn_) : -1;
    if (fd < 0) return false;
    if (socket_ && socket_->native_handle() == fd) return true;
    if (socket_) {
        socket_->release();
        socket_.reset();
    }
    socket_.emplace(executor_, fd);
    return true;
}

boost::asio::awaitable<boost::system::error_code> connection::wait(direction d,
                                                                   std::chrono::steady_clock::time_point until)
{
    using namespace boost::asio::experimental::awaitable_operators;
    if (!watch_socket()) co_return error::connection_lost;
    timer_.expires_at(until);
    boost::system::error_code socket_ec, timer_ec;
    const auto which = d == direction::read ? boost::asio::posix::stream_descriptor::wait_read
                                            : boost::asio::posix::stream_descriptor::wait_write;
    auto done =
        co_await (socket_->async_wait(which, boost::asio::redirect_error(boost::asio::use_awaitable, socket_ec)) ||
                  timer_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, timer_ec)));
    if (done.index() == 1) {
        server_message_.clear();
        close();
        co_return error::timed_out;
    }
    if (socket_ec) co_return error::connection_lost;
    co_return boost::system::error_code{};
}

boost::asio::awaitable<boost::system::error_code> connection::async_connect(std::string conninfo,
                                                                            std::chrono::milliseconds deadline,
                                                                            std::string password)
{
    close();
    server_message_.clear();
    const auto until = std::chrono::steady_clock::now() + deadline;
    // expand_dbname: `conninfo` is read as a whole connection string, the password added to it.
    const char* keywords[] = {"dbname", password.empty() ? nullptr : "password", nullptr};
    const char* values[] = {conninfo.c_str(), password.empty() ? nullptr : password.c_str(), nullptr};
    conn_ = PQconnectStartParams(keywords, values, 1);
    if (!conn_ || PQstatus(conn_) == CONNECTION_BAD) {
        server_message_ = conn_ ? one_line(PQerrorMessage(conn_)) : "out of memory";
        close();
        co_return error::connect_failed;
    }
    // PQconnectPoll's contract: start as if it had said "writing".
    for (auto step = PGRES_POLLING_WRITING; step != PGRES_POLLING_OK; step = PQconnectPoll(conn_)) {
        if (step == PGRES_POLLING_FAILED) {
            server_message_ = one_line(PQerrorMessage(conn_));
            close();
            co_return error::connect_failed;
        }
        if (auto ec = co_await wait(step == PGRES_POLLING_READING ? direction::read : direction::write, until))
            co_return ec;
    }
    // Notices ("relation already exists, skipping") are the server talking to
    // a person at a prompt; libpq would print them to stderr, into the journal.
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
    if (PQsetnonblocking(conn_, 1) != 0) {
        server_message_ = one_line(PQerrorMessage(conn_));
        close();
        co_return error::connect_failed;
    }
    co_return boost::system::error_code{};
}

// Holds the connection's turn for one statement, however it ends.
struct connection::turn {
    connection& c;
    ~turn() { c.give_turn(); }
};

boost::asio::awaitable<void> connection::take_turn()
{
    while (busy_) {
        auto wake =
            std::make_shared<boost::asio::steady_timer>(executor_, boost::asio::steady_timer::time_point::max());
        waiting_.push_back(wake);
        boost::system::error_code woken;
        co_await wake->async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, woken));
    }
    busy_ = true;
}

// Every waiter is woken (in the order they came, as their handlers are
// posted): the first to run takes the turn, the others wait again. Waking one
// alone would strand the rest if that one's coroutine was gone meanwhile.
void connection::give_turn() noexcept
{
    busy_ = false;
    auto woken = std::exchange(waiting_, {});
    for (auto& w : woken) w->cancel();
}

boost::asio::awaitable<boost::system::result<rows>> connection::async_query(
    std::string sql, std::vector<std::optional<std::string>> params, std::chrono::milliseconds deadline)
{
    co_await take_turn();
    turn held{*this};
    server_message_.clear();
    if (!open()) co_return error::connection_lost;
    const auto until = std::chrono::steady_clock::now() + deadline;
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    if (!PQsendQueryParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                           nullptr, 0)) {
        server_message_ = one_line(PQerrorMessage(conn_));
        close();
        co_return error::connection_lost;
    }
    for (int flushed = PQflush(conn_); flushed != 0; flushed = PQflush(conn_)) {
        if (flushed < 0) {
            server_message_ = one_line(PQerrorMessage(conn_));
            close();
            co_return error::connection_lost;
        }
        if (auto ec = co_await wait(direction::write, until)) co_return ec;
    }
    rows out;
    std::optional<error> failed;
    for (;;) {
        while (PQisBusy(conn_)) {
            if (auto ec = co_await wait(direction::read, until)) co_return ec;
            if (!PQconsumeInput(conn_)) {
                server_message_ = one_line(PQerrorMessage(conn_));
                close();
                co_return error::connection_lost;
            }
        }
        PGresult* r = PQgetResult(conn_);
        if (!r) break;  // every result of the statement taken: the connection is ready again
        const auto status = PQresultStatus(r);
        if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
            const int fields = PQnfields(r);
            for (int c = 0; c < fields; ++c) out.columns.emplace_back(PQfname(r, c));
            for (int i = 0; i < PQntuples(r); ++i) {
                auto& row = out.values.emplace_back();
                for (int c = 0; c < fields; ++c)
                    row.push_back(PQgetisnull(r, i, c)
                                      ? std::nullopt
                                      : std::optional<std::string>(std::string(
                                            PQgetvalue(r, i, c), static_cast<std::size_t>(PQgetlength(r, i, c)))));
            }
            const char* affected = PQcmdTuples(r);
            if (affected && *affected) out.affected = std::stoul(affected);
        } else if (!failed) {
            server_message_ = one_line(PQresultErrorMessage(r));
            failed = PQstatus(conn_) == CONNECTION_OK ? error::query_failed : error::connection_lost;
        }
        PQclear(r);
    }
    if (failed) {
        if (*failed == error::connection_lost) close();
        co_return *failed;
    }
    co_return out;
}

}  // namespace prereadd::store::postgresql
