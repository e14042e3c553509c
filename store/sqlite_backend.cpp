// store::backend over SQLite (sqlite_backend.hpp).
#include "store/sqlite_backend.hpp"

namespace prereadd::store {

done sqlite_backend::begin()
{
    tx_.emplace(db_);
    co_return boost::system::error_code{};
}

done sqlite_backend::commit()
{
    if (tx_) tx_->commit();
    tx_.reset();
    co_return boost::system::error_code{};
}

done sqlite_backend::rollback()
{
    tx_.reset();  // ROLLBACK
    co_return boost::system::error_code{};
}

done sqlite_backend::upsert_project(const std::string& id, const std::string& folder)
{
    st_.upsert_project(id, folder);
    co_return boost::system::error_code{};
}

answer<std::optional<project_row>> sqlite_backend::project(const std::string& id) { co_return st_.project(id); }

done sqlite_backend::set_last_cycle(const std::string& project, std::int64_t at)
{
    st_.set_last_cycle(project, at);
    co_return boost::system::error_code{};
}

done sqlite_backend::set_folder_etag(const std::string& project, const std::string& etag)
{
    st_.set_folder_etag(project, etag);
    co_return boost::system::error_code{};
}

done sqlite_backend::set_project_error(const std::string& project, const std::optional<std::string>& error,
                                       std::int64_t at)
{
    st_.set_project_error(project, error, at);
    co_return boost::system::error_code{};
}

done sqlite_backend::upsert_document(const std::string& project, const document_row& d)
{
    st_.upsert_document(project, d);
    co_return boost::system::error_code{};
}

done sqlite_backend::mark_document_removed(const std::string& project, std::int64_t file_id, std::int64_t at)
{
    st_.mark_document_removed(project, file_id, at);
    co_return boost::system::error_code{};
}

answer<std::vector<document_row>> sqlite_backend::documents(const std::string& project)
{
    co_return st_.documents(project);
}

done sqlite_backend::upsert_participant(const std::string& project, const participant_row& p, std::int64_t at)
{
    st_.upsert_participant(project, p, at);
    co_return boost::system::error_code{};
}

answer<std::vector<participant_row>> sqlite_backend::participants(const std::string& project)
{
    co_return st_.participants(project);
}

done sqlite_backend::mark_participant_removed(const std::string& project, const std::string& user_id, std::int64_t at)
{
    st_.mark_participant_removed(project, user_id, at);
    co_return boost::system::error_code{};
}

done sqlite_backend::record_unmapped_read(const std::string& project, const unmapped_read_row& r)
{
    st_.record_unmapped_read(project, r);
    co_return boost::system::error_code{};
}

answer<std::vector<unmapped_read_row>> sqlite_backend::unmapped_reads(const std::string& project)
{
    co_return st_.unmapped_reads(project);
}

answer<bool> sqlite_backend::record_problem(const std::string& project, const problem_row& p)
{
    co_return boost::system::result<bool>(boost::system::in_place_value, st_.record_problem(project, p));
}

done sqlite_backend::resolve_problem(const std::string& project, const problem_row& p, std::int64_t at)
{
    st_.resolve_problem(project, p, at);
    co_return boost::system::error_code{};
}

answer<std::vector<problem_row>> sqlite_backend::open_problems(const std::string& project)
{
    co_return st_.open_problems(project);
}

answer<std::size_t> sqlite_backend::open_problem_count(const std::vector<std::string>& projects)
{
    std::size_t open = 0;
    for (const auto& p : projects) open += st_.open_problems(p).size();
    co_return open;
}

answer<bool> sqlite_backend::record(const engagement& e)
{
    co_return boost::system::result<bool>(boost::system::in_place_value, st_.record(e));
}

answer<std::vector<engagement>> sqlite_backend::engagements(const std::string& project)
{
    co_return st_.engagements(project);
}

answer<bool> sqlite_backend::add_outbox(const outbox_row& row)
{
    co_return boost::system::result<bool>(boost::system::in_place_value, st_.add_outbox(row));
}

done sqlite_backend::finish_outbox(const std::string& reference_id, outbox_state final_state, std::int64_t at,
                                   std::optional<std::int64_t> remote_id)
{
    st_.finish_outbox(reference_id, final_state, at, remote_id);
    co_return boost::system::error_code{};
}

done sqlite_backend::withdraw_intent(const std::string& reference_id)
{
    st_.withdraw_intent(reference_id);
    co_return boost::system::error_code{};
}

answer<std::optional<outbox_row>> sqlite_backend::outbox_entry(const std::string& reference_id)
{
    co_return st_.outbox_entry(reference_id);
}

answer<std::vector<outbox_row>> sqlite_backend::outbox(const std::string& project) { co_return st_.outbox(project); }

answer<std::vector<outbox_row>> sqlite_backend::unconfirmed(const std::string& project)
{
    co_return st_.unconfirmed(project);
}

answer<std::set<std::string>> sqlite_backend::handled_items(const std::string& project)
{
    co_return st_.handled_items(project);
}

answer<std::optional<deck_card_row>> sqlite_backend::deck_card(const std::string& project,
                                                               const std::string& session_key)
{
    co_return st_.deck_card(project, session_key);
}

done sqlite_backend::save_deck_card(const deck_card_row& row)
{
    st_.save_deck_card(row);
    co_return boost::system::error_code{};
}

done sqlite_backend::save_call(const call_row& call)
{
    st_.save_call(call);
    co_return boost::system::error_code{};
}

answer<std::vector<call_row>> sqlite_backend::calls(const std::string& project) { co_return st_.calls(project); }

answer<std::optional<call_row>> sqlite_backend::running_call(const std::string& project)
{
    co_return st_.running_call(project);
}

answer<std::optional<std::string>> sqlite_backend::cursor(const std::string& name) { co_return st_.cursor(name); }

done sqlite_backend::set_cursor(const std::string& name, const std::string& value)
{
    st_.set_cursor(name, value);
    co_return boost::system::error_code{};
}

}  // namespace prereadd::store
