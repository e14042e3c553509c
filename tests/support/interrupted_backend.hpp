// A store that fails where a test says: each member named in `fail_next`
// answers "connection reset" once instead of reaching the store underneath, as
// PostgreSQL's do when the database is cut off mid-cycle. Everything else is
// the store underneath (store::sqlite_backend in the sim tests).
#pragma once

#include "store/backend.hpp"

#include <boost/system/errc.hpp>

#include <set>
#include <string>

namespace prereadd::test {

// (An error_code converts to each answer but `bool`, which it converts to as
// well: there the error is named in place, as store/postgresql_state.cpp does.)
class interrupted_backend final : public store::backend {
public:
    explicit interrupted_backend(store::backend& inner) : inner_(inner) {}

    std::multiset<std::string> fail_next;  // member names, each failing once

    using done = store::done;
    template <class T>
    using answer = store::answer<T>;
    using document_row = store::document_row;
    using participant_row = store::participant_row;
    using unmapped_read_row = store::unmapped_read_row;
    using problem_row = store::problem_row;
    using project_row = store::project_row;
    using engagement = store::engagement;
    using outbox_row = store::outbox_row;
    using outbox_state = store::outbox_state;
    using deck_card_row = store::deck_card_row;
    using call_row = store::call_row;

    done begin() override
    {
        if (fails("begin")) co_return cut_off();
        co_return co_await inner_.begin();
    }
    done commit() override
    {
        if (fails("commit")) co_return cut_off();
        co_return co_await inner_.commit();
    }
    done rollback() override
    {
        if (fails("rollback")) co_return cut_off();
        co_return co_await inner_.rollback();
    }
    done upsert_project(const std::string& id, const std::string& folder) override
    {
        if (fails("upsert_project")) co_return cut_off();
        co_return co_await inner_.upsert_project(id, folder);
    }
    answer<std::optional<project_row>> project(const std::string& id) override
    {
        if (fails("project")) co_return cut_off();
        co_return co_await inner_.project(id);
    }
    done set_last_cycle(const std::string& project, std::int64_t at) override
    {
        if (fails("set_last_cycle")) co_return cut_off();
        co_return co_await inner_.set_last_cycle(project, at);
    }
    done set_folder_etag(const std::string& project, const std::string& etag) override
    {
        if (fails("set_folder_etag")) co_return cut_off();
        co_return co_await inner_.set_folder_etag(project, etag);
    }
    done set_project_error(const std::string& project, const std::optional<std::string>& error,
                           std::int64_t at) override
    {
        if (fails("set_project_error")) co_return cut_off();
        co_return co_await inner_.set_project_error(project, error, at);
    }
    done upsert_document(const std::string& project, const document_row& d) override
    {
        if (fails("upsert_document")) co_return cut_off();
        co_return co_await inner_.upsert_document(project, d);
    }
    done mark_document_removed(const std::string& project, std::int64_t file_id, std::int64_t at) override
    {
        if (fails("mark_document_removed")) co_return cut_off();
        co_return co_await inner_.mark_document_removed(project, file_id, at);
    }
    answer<std::vector<document_row>> documents(const std::string& project) override
    {
        if (fails("documents")) co_return cut_off();
        co_return co_await inner_.documents(project);
    }
    done upsert_participant(const std::string& project, const participant_row& p, std::int64_t at) override
    {
        if (fails("upsert_participant")) co_return cut_off();
        co_return co_await inner_.upsert_participant(project, p, at);
    }
    answer<std::vector<participant_row>> participants(const std::string& project) override
    {
        if (fails("participants")) co_return cut_off();
        co_return co_await inner_.participants(project);
    }
    done mark_participant_removed(const std::string& project, const std::string& user_id, std::int64_t at) override
    {
        if (fails("mark_participant_removed")) co_return cut_off();
        co_return co_await inner_.mark_participant_removed(project, user_id, at);
    }
    done record_unmapped_read(const std::string& project, const unmapped_read_row& r) override
    {
        if (fails("record_unmapped_read")) co_return cut_off();
        co_return co_await inner_.record_unmapped_read(project, r);
    }
    answer<std::vector<unmapped_read_row>> unmapped_reads(const std::string& project) override
    {
        if (fails("unmapped_reads")) co_return cut_off();
        co_return co_await inner_.unmapped_reads(project);
    }
    answer<bool> record_problem(const std::string& project, const problem_row& p) override
    {
        if (fails("record_problem")) co_return boost::system::result<bool>(boost::system::in_place_error, cut_off());
        co_return co_await inner_.record_problem(project, p);
    }
    done resolve_problem(const std::string& project, const problem_row& p, std::int64_t at) override
    {
        if (fails("resolve_problem")) co_return cut_off();
        co_return co_await inner_.resolve_problem(project, p, at);
    }
    answer<std::vector<problem_row>> open_problems(const std::string& project) override
    {
        if (fails("open_problems")) co_return cut_off();
        co_return co_await inner_.open_problems(project);
    }
    answer<std::size_t> open_problem_count(const std::vector<std::string>& projects) override
    {
        if (fails("open_problem_count")) co_return cut_off();
        co_return co_await inner_.open_problem_count(projects);
    }
    answer<bool> record(const engagement& e) override
    {
        if (fails("record")) co_return boost::system::result<bool>(boost::system::in_place_error, cut_off());
        co_return co_await inner_.record(e);
    }
    answer<std::vector<engagement>> engagements(const std::string& project) override
    {
        if (fails("engagements")) co_return cut_off();
        co_return co_await inner_.engagements(project);
    }
    answer<bool> add_outbox(const outbox_row& row) override
    {
        if (fails("add_outbox")) co_return boost::system::result<bool>(boost::system::in_place_error, cut_off());
        co_return co_await inner_.add_outbox(row);
    }
    done finish_outbox(const std::string& reference_id, outbox_state final_state, std::int64_t at,
                       std::optional<std::int64_t> remote_id) override
    {
        if (fails("finish_outbox")) co_return cut_off();
        co_return co_await inner_.finish_outbox(reference_id, final_state, at, remote_id);
    }
    done withdraw_intent(const std::string& reference_id) override
    {
        if (fails("withdraw_intent")) co_return cut_off();
        co_return co_await inner_.withdraw_intent(reference_id);
    }
    answer<std::optional<outbox_row>> outbox_entry(const std::string& reference_id) override
    {
        if (fails("outbox_entry")) co_return cut_off();
        co_return co_await inner_.outbox_entry(reference_id);
    }
    answer<std::vector<outbox_row>> outbox(const std::string& project) override
    {
        if (fails("outbox")) co_return cut_off();
        co_return co_await inner_.outbox(project);
    }
    answer<std::vector<outbox_row>> unconfirmed(const std::string& project) override
    {
        if (fails("unconfirmed")) co_return cut_off();
        co_return co_await inner_.unconfirmed(project);
    }
    answer<std::set<std::string>> handled_items(const std::string& project) override
    {
        if (fails("handled_items")) co_return cut_off();
        co_return co_await inner_.handled_items(project);
    }
    answer<std::optional<deck_card_row>> deck_card(const std::string& project, const std::string& session_key) override
    {
        if (fails("deck_card")) co_return cut_off();
        co_return co_await inner_.deck_card(project, session_key);
    }
    done save_deck_card(const deck_card_row& row) override
    {
        if (fails("save_deck_card")) co_return cut_off();
        co_return co_await inner_.save_deck_card(row);
    }
    done save_call(const call_row& call) override
    {
        if (fails("save_call")) co_return cut_off();
        co_return co_await inner_.save_call(call);
    }
    answer<std::vector<call_row>> calls(const std::string& project) override
    {
        if (fails("calls")) co_return cut_off();
        co_return co_await inner_.calls(project);
    }
    answer<std::optional<call_row>> running_call(const std::string& project) override
    {
        if (fails("running_call")) co_return cut_off();
        co_return co_await inner_.running_call(project);
    }
    answer<std::optional<std::string>> cursor(const std::string& name) override
    {
        if (fails("cursor")) co_return cut_off();
        co_return co_await inner_.cursor(name);
    }
    done set_cursor(const std::string& name, const std::string& value) override
    {
        if (fails("set_cursor")) co_return cut_off();
        co_return co_await inner_.set_cursor(name, value);
    }
    void abandon() noexcept override { inner_.abandon(); }

private:
    bool fails(const std::string& member)
    {
        auto it = fail_next.find(member);
        if (it == fail_next.end()) return false;
        fail_next.erase(it);
        return true;
    }
    static boost::system::error_code cut_off()
    {
        return boost::system::errc::make_error_code(boost::system::errc::connection_reset);
    }

    store::backend& inner_;
};

}  // namespace prereadd::test
