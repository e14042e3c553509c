// The daemon's state on PostgreSQL: store::state's members (state.hpp), the
// same rows with the same meaning, run on the asynchronous connection
// (postgresql.hpp) — for several daemons sharing one database
// (docs/scaling.md); one store::backend (backend.hpp).
//
// Cursors are the node's own, but for a conversation's ("talk:<token>",
// read by whoever holds its project): each web node has its own audit log
// and position in it, and each daemon reads the activity stream at its own
// pace. A node's cursors are stored as "<node>/<name>".
//
// Unlike SQLite's, a failure here is expected (the database is on the
// network): every member returns it as a value (`prereadd.postgresql`), and
// the connection's server_message() says why, for the log. A transaction is
// begun and ended explicitly (`begin`, `commit`); one abandoned by a failure
// is rolled back by the server when `rollback` runs or the connection closes.
#pragma once

#include "store/backend.hpp"
#include "store/postgresql.hpp"
#include "store/state.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace prereadd::store::postgresql {

using store::answer;
using store::done;

class state final : public store::backend, public store::shared_reads {
public:
    state(connection& c, std::chrono::milliseconds deadline, std::string node = {})
        : c_(c), deadline_(deadline), node_(std::move(node))
    {
    }

    done begin() override;
    done commit() override;
    done rollback() override;

    done upsert_project(const std::string& id, const std::string& folder) override;
    answer<std::optional<project_row>> project(const std::string& id) override;
    done set_last_cycle(const std::string& project, std::int64_t at) override;
    done set_folder_etag(const std::string& project, const std::string& etag) override;
    done set_project_error(const std::string& project, const std::optional<std::string>& error,
                           std::int64_t at) override;

    done upsert_document(const std::string& project, const document_row& d) override;
    done mark_document_removed(const std::string& project, std::int64_t file_id, std::int64_t at) override;
    answer<std::vector<document_row>> documents(const std::string& project) override;

    done upsert_participant(const std::string& project, const participant_row& p, std::int64_t at) override;
    answer<std::vector<participant_row>> participants(const std::string& project) override;
    done mark_participant_removed(const std::string& project, const std::string& user_id, std::int64_t at) override;

    done record_unmapped_read(const std::string& project, const unmapped_read_row& r) override;
    answer<std::vector<unmapped_read_row>> unmapped_reads(const std::string& project) override;

    answer<bool> record_problem(const std::string& project, const problem_row& p) override;
    done resolve_problem(const std::string& project, const problem_row& p, std::int64_t at) override;
    answer<std::vector<problem_row>> open_problems(const std::string& project) override;
    answer<std::size_t> open_problem_count(const std::vector<std::string>& projects) override;

    answer<bool> record(const engagement& e) override;
    answer<std::vector<engagement>> engagements(const std::string& project) override;

    answer<bool> add_outbox(const outbox_row& row) override;
    done finish_outbox(const std::string& reference_id, outbox_state final_state, std::int64_t at,
                       std::optional<std::int64_t> remote_id = std::nullopt) override;
    done withdraw_intent(const std::string& reference_id) override;
    answer<std::optional<outbox_row>> outbox_entry(const std::string& reference_id) override;
    answer<std::vector<outbox_row>> outbox(const std::string& project) override;
    answer<std::vector<outbox_row>> unconfirmed(const std::string& project) override;
    answer<std::set<std::string>> handled_items(const std::string& project) override;

    answer<std::optional<deck_card_row>> deck_card(const std::string& project, const std::string& session_key) override;
    done save_deck_card(const deck_card_row& row) override;

    done save_call(const call_row& call) override;
    answer<std::vector<call_row>> calls(const std::string& project) override;
    answer<std::optional<call_row>> running_call(const std::string& project) override;

    answer<std::optional<std::string>> cursor(const std::string& name) override;
    done set_cursor(const std::string& name, const std::string& value) override;

    done append_reads(const std::vector<std::string>& lines, std::int64_t at) override;
    answer<std::map<std::string, std::int64_t>> read_positions() override;
    answer<std::vector<logged>> reads_after(std::int64_t seq) override;
    done set_read_position(const std::string& project, std::int64_t seq) override;
    done forget_reads(const std::vector<std::string>& projects) override;

    void abandon() noexcept override { c_.close(); }

private:
    using params = std::vector<std::optional<std::string>>;
    answer<rows> run(std::string sql, params p);
    done execute(std::string sql, params p);
    answer<std::vector<outbox_row>> outbox_rows(const std::string& project, bool intents_only);
    // Every row a query on one project's rows yields (the project bound as
    // $1), each made by `read` from its values (state.cpp's project_rows).
    template <class Row, class Read>
    answer<std::vector<Row>> project_rows(std::string sql, std::string project, Read read);
    // The one row a lookup by key yields, made by `read`, or nullopt.
    template <class Row, class Read>
    answer<std::optional<Row>> one_row(std::string sql, params p, Read read);
    // Whether an INSERT … ON CONFLICT wrote its row (false: it was there).
    answer<bool> wrote_one(std::string sql, params p);

    std::string cursor_key(const std::string& name) const;

    connection& c_;
    std::chrono::milliseconds deadline_;
    std::string node_;  // empty: cursors unscoped (one daemon, or a test)
};

}  // namespace prereadd::store::postgresql
