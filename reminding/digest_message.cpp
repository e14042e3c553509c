// The digest before a session (see messages.hpp): who has read how much,
// each document's marks, the comments since the previous session and what
// was added after the first reminder, in the project's language.
#include "reminding/detail/wording.hpp"
#include "reminding/literal.hpp"

#include <algorithm>

namespace prereadd::reminding {

using detail::joined;
using i18n::filled;
using i18n::translated;

namespace {

// "opened by alice, bob": one kind of mark on a document and who made it.
std::string marked_by(store::engagement_kind kind, const std::string& names, const i18n::language& l)
{
    switch (kind) {
    // TRANSLATORS: the digest's marks on one document, "opened by alice, bob; commented by carol".
    case store::engagement_kind::opened: return filled(translated(l, "opened by {names}"), {{"names", names}});
    case store::engagement_kind::synced: return filled(translated(l, "synced by {names}"), {{"names", names}});
    case store::engagement_kind::commented: return filled(translated(l, "commented by {names}"), {{"names", names}});
    case store::engagement_kind::edited: return filled(translated(l, "edited by {names}"), {{"names", names}});
    case store::engagement_kind::acknowledged:
        return filled(translated(l, "acknowledged by {names}"), {{"names", names}});
    }
    return names;
}

// "- alice: 1 of 2; no access yet to budget.ods", a line per participant.
std::string read_so_far(const reminder_input& base, const i18n::language& l)
{
    std::string text;
    for (const auto& user : base.participants) {
        std::size_t read = 0;
        std::vector<std::string> blocked;
        for (const auto& d : base.documents) {
            read += base.done.count({user, d.file_id});
            if (!base.done.count({user, d.file_id}) && base.blocked.count({user, d.file_id}))
                blocked.push_back(talk_text(document_label(d)));
        }
        text += "\n- " + talk_text(user) + ": " +
                // TRANSLATORS: the digest: how many of the session's documents a participant read.
                filled(translated(l, "{read} of {total}"),
                       {{"read", l.number(static_cast<long long>(read))},
                        {"total", l.number(static_cast<long long>(base.documents.size()))}});
        if (!blocked.empty())
            // TRANSLATORS: the digest, after "1 of 2".
            text += filled(translated(l, "; no access yet to {documents}"), {{"documents", joined(blocked)}});
    }
    return text;
}

}  // namespace

message digest_message(const digest_input& in)
{
    const auto& base = in.base;
    const auto& l = *base.language;
    // TRANSLATORS: the digest's first line; {headline} is "**Kick-off** — <date and time>, in 1 hour."
    std::string text = filled(translated(l, "Digest before {headline}"), {{"headline", detail::headline(base, l)}}) +
                       detail::call_lines(base, l);
    // TRANSLATORS: a heading of the digest; a line per participant follows.
    text += "\n" + translated(l, "Read so far:") + read_so_far(base, l);
    // TRANSLATORS: a heading of the digest; a line per document follows.
    text += "\n" + translated(l, "By document:");
    std::map<std::string, std::size_t> comments;
    std::size_t comment_total = 0;
    for (const auto& d : base.documents) {
        std::map<store::engagement_kind, std::vector<std::string>> by_kind;
        for (const auto& e : in.engagements) {
            if (e.file_id != d.file_id) continue;
            by_kind[e.kind].push_back(e.user_id);
            if (e.kind == store::engagement_kind::commented && in.previous_session_end &&
                e.first_at >= in.previous_session_end->time_since_epoch().count()) {
                ++comments[document_label(d)];
                ++comment_total;
            }
        }
        std::vector<std::string> parts;
        for (auto kind :
             {store::engagement_kind::opened, store::engagement_kind::synced, store::engagement_kind::commented,
              store::engagement_kind::edited, store::engagement_kind::acknowledged})
            if (auto it = by_kind.find(kind); it != by_kind.end()) {
                std::sort(it->second.begin(), it->second.end());
                std::vector<std::string> users;
                for (const auto& u : it->second) users.push_back(talk_text(u));
                parts.push_back(marked_by(kind, joined(users), l));
            }
        text += "\n- " + talk_text(document_label(d)) + ": " +
                // TRANSLATORS: the digest: a document nobody has marked.
                (parts.empty() ? translated(l, "nobody yet") : joined(parts, "; "));
    }
    if (in.previous_session_end) {
        std::vector<std::string> per_doc;
        for (const auto& [path, n] : comments)
            per_doc.push_back(talk_text(path) + ": " + l.number(static_cast<long long>(n)));
        // TRANSLATORS: a line of the digest; {n} is a number, {per_document} "(agenda.md: 2, budget.ods: 1)" or empty.
        text += "\n" + filled(translated(l, "Comments since the previous session: {n} {per_document}"),
                              {{"n", l.number(static_cast<long long>(comment_total))},
                               {"per_document", per_doc.empty() ? "" : "(" + joined(per_doc) + ")"}});
        while (text.back() == ' ') text.pop_back();
    }
    if (in.first_reminder_at) {
        std::vector<std::string> added;
        for (const auto& d : base.documents)
            if (d.first_seen > in.first_reminder_at->time_since_epoch().count())
                added.push_back(talk_text(document_label(d)));
        if (!added.empty())
            // TRANSLATORS: a line of the digest; {documents} were added after the first reminder went out.
            text += "\n" + filled(translated(l, "Added after the first reminder: {documents}"),
                                  {{"documents", joined(added)}});
    }
    return {fitted(std::move(text), l), {}};
}

}  // namespace prereadd::reminding
