// store::backend over SQLite (backend.hpp): store::state's members, which
// never suspend, and a transaction begun and ended through the interface.
#pragma once

#include "store/backend.hpp"
#include "store/database.hpp"
#include "store/state.hpp"

#include <optional>

namespace prereadd::store {

class sqlite_backend final : public backend {
public:
    explicit sqlite_backend(database& db) : db_(db), st_(db) {}

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
                       std::optional<std::int64_t> remote_id) override;
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

    void abandon() noexcept override { tx_.reset(); }

private:
    database& db_;
    state st_;
    std::optional<transaction> tx_;
};

}  // namespace prereadd::store
