// The daemon's state, whichever database holds it (docs/scaling.md): SQLite
// on the machine (the default, store::state underneath) or PostgreSQL shared
// by several daemons (store::postgresql::state). The members are
// store::state's, awaitable, so that PostgreSQL's never block the loop.
//
// Failures: PostgreSQL's are values (the database is on the network: a
// partition is weather). SQLite's throw std::runtime_error as state.hpp
// says: a broken local file ends `run`, and systemd restarts it.
// Transactions are begun and ended explicitly; `rollback` after a failure.
// The members take references, as store::state's do: co_await each where it
// is called (a member co_spawned with temporaries would outlive them).
#pragma once

#include "store/state.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace prereadd::store {

template <class T>
using answer = boost::asio::awaitable<boost::system::result<T>>;
using done = boost::asio::awaitable<boost::system::error_code>;

class backend {
public:
    virtual ~backend() = default;

    virtual done begin() = 0;
    virtual done commit() = 0;
    virtual done rollback() = 0;
    virtual done upsert_project(const std::string& id, const std::string& folder) = 0;
    virtual answer<std::optional<project_row>> project(const std::string& id) = 0;
    virtual done set_last_cycle(const std::string& project, std::int64_t at) = 0;
    virtual done set_folder_etag(const std::string& project, const std::string& etag) = 0;
    virtual done set_project_error(const std::string& project, const std::optional<std::string>& error,
                                   std::int64_t at) = 0;
    virtual done upsert_document(const std::string& project, const document_row& d) = 0;
    virtual done mark_document_removed(const std::string& project, std::int64_t file_id, std::int64_t at) = 0;
    virtual answer<std::vector<document_row>> documents(const std::string& project) = 0;
    virtual done upsert_participant(const std::string& project, const participant_row& p, std::int64_t at) = 0;
    virtual answer<std::vector<participant_row>> participants(const std::string& project) = 0;
    virtual done mark_participant_removed(const std::string& project, const std::string& user_id, std::int64_t at) = 0;
    virtual done record_unmapped_read(const std::string& project, const unmapped_read_row& r) = 0;
    virtual answer<std::vector<unmapped_read_row>> unmapped_reads(const std::string& project) = 0;
    virtual answer<bool> record_problem(const std::string& project, const problem_row& p) = 0;
    virtual done resolve_problem(const std::string& project, const problem_row& p, std::int64_t at) = 0;
    virtual answer<std::vector<problem_row>> open_problems(const std::string& project) = 0;
    // The open problems of all these projects, for the metrics: one statement, not one per project.
    virtual answer<std::size_t> open_problem_count(const std::vector<std::string>& projects) = 0;
    virtual answer<bool> record(const engagement& e) = 0;
    virtual answer<std::vector<engagement>> engagements(const std::string& project) = 0;
    virtual answer<bool> add_outbox(const outbox_row& row) = 0;
    virtual done finish_outbox(const std::string& reference_id, outbox_state final_state, std::int64_t at,
                               std::optional<std::int64_t> remote_id = std::nullopt) = 0;
    virtual done withdraw_intent(const std::string& reference_id) = 0;
    virtual answer<std::optional<outbox_row>> outbox_entry(const std::string& reference_id) = 0;
    virtual answer<std::vector<outbox_row>> outbox(const std::string& project) = 0;
    virtual answer<std::vector<outbox_row>> unconfirmed(const std::string& project) = 0;
    virtual answer<std::set<std::string>> handled_items(const std::string& project) = 0;
    virtual answer<std::optional<deck_card_row>> deck_card(const std::string& project,
                                                           const std::string& session_key) = 0;
    virtual done save_deck_card(const deck_card_row& row) = 0;
    virtual done save_call(const call_row& call) = 0;
    virtual answer<std::vector<call_row>> calls(const std::string& project) = 0;
    virtual answer<std::optional<call_row>> running_call(const std::string& project) = 0;
    virtual answer<std::optional<std::string>> cursor(const std::string& name) = 0;
    virtual done set_cursor(const std::string& name, const std::string& value) = 0;

    // A transaction left without commit or rollback (an exception, a
    // cancelled coroutine), from a destructor: SQLite rolls back; PostgreSQL
    // closes the connection, whose server then rolls back (a destructor
    // cannot await a ROLLBACK), and the next statement reports it lost.
    virtual void abandon() noexcept = 0;
};

// Several daemons on one PostgreSQL database (docs/scaling.md): each web
// node's daemon appends the reads its node's audit log gave (with its log
// position, in one transaction), and the holder of a project maps them from
// here, so a read is counted whichever node served it. A project's position
// (the last read it took) goes with the project to whoever holds it next.
class shared_reads {
public:
    struct logged {
        std::int64_t seq = 0;  // in the order appended, over all nodes
        std::string line;      // the audit log's line, whole
    };
    virtual ~shared_reads() = default;
    virtual done append_reads(const std::vector<std::string>& lines, std::int64_t at) = 0;
    virtual answer<std::map<std::string, std::int64_t>> read_positions() = 0;  // by project
    virtual answer<std::vector<logged>> reads_after(std::int64_t seq) = 0;
    virtual done set_read_position(const std::string& project, std::int64_t seq) = 0;
    // Drops the reads every one of `projects` has taken.
    virtual done forget_reads(const std::vector<std::string>& projects) = 0;
};

// Abandons the transaction begun unless it was ended (`ended()` after a
// commit or rollback): a cycle that throws or is cancelled writes nothing.
class transaction_guard {
public:
    explicit transaction_guard(backend& b) : b_(b) {}
    transaction_guard(const transaction_guard&) = delete;
    transaction_guard& operator=(const transaction_guard&) = delete;
    ~transaction_guard()
    {
        if (!ended_) b_.abandon();
    }
    void ended() noexcept { ended_ = true; }

private:
    backend& b_;
    bool ended_ = false;
};

}  // namespace prereadd::store
