// A simulated Moodle 4.5 web-service endpoint, in-process: its own thread and
// io_context, on 127.0.0.1 at a port chosen at run time, answering
// /webservice/rest/server.php and /login/token.php the way the recordings in
// tests/recordings/moodle-api/captures show (HTTP 200 exception objects, bare arrays,
// completion per user, rewritten message texts). Tests seed and steer it
// through `control` (operations in tests/sim/README.md) and inject faults.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace prereadd::sim {

struct moodle_user {
    std::int64_t id = 0;
    std::string username, firstname, lastname, email;
    std::string fullname() const { return firstname + " " + lastname; }
};

struct moodle_module {
    std::int64_t cmid = 0;
    std::int64_t instance = 0;
    std::int64_t course = 0;
    int section = 0;  // its section's number
    std::string name;
    std::string modname;  // resource, page, url, forum
    int completion = 0;   // 0 none, 1 manual, 2 automatic
    bool view_rule = true;  // automatic: completes on view
    std::string filename, mimetype, external_url;
    std::int64_t filesize = 0;
    std::int64_t contextid = 0;
    std::int64_t created = 0;
};

struct moodle_course {
    std::int64_t id = 0;
    std::string shortname, fullname;
    std::int64_t startdate = 0;
    std::vector<std::pair<std::int64_t, std::string>> sections;  // section id, name; index = number
    std::map<std::int64_t, std::string> enrolments;             // user -> role shortname
    std::optional<std::int64_t> criteria_since;                 // course completion criteria (all view modules)
};

struct moodle_group {
    std::int64_t id = 0;
    std::int64_t course = 0;
    std::string name, idnumber, description;
    std::vector<std::int64_t> members;
};

struct moodle_message {
    std::int64_t id = 0, from = 0, to = 0, conversation = 0, time = 0;
    std::string sent_text;  // as sent (fullmessagehtml)
    std::string text;       // as Moodle rewrote it
    bool read = false;
};

// One injected fault, for the next `count` calls of `function` ("" any).
struct moodle_fault {
    // lose_answer: the call is carried out and its answer never sent (the connection closes).
    enum class kind { exception, status, delay, lose_answer } what = kind::exception;
    std::string function;
    std::string errorcode = "nopermissions";
    std::string message;
    unsigned status = 503;
    std::chrono::milliseconds delay{0};
    std::size_t count = 1;
};

struct moodle_world {
    std::string siteurl;  // set when the server listens
    std::int64_t service_user = 3;
    std::map<std::int64_t, moodle_user> users;
    std::map<std::string, std::pair<std::int64_t, std::string>> tokens;  // token -> user, service shortname
    std::vector<std::string> service_functions;  // of the custom service "prereadd", in the order added
    bool in_service(const std::string& function) const;
    // Capabilities the service user holds (a site role plus its course role).
    std::set<std::string> service_capabilities;
    bool debug = false;  // debug=DEVELOPER: exceptions carry debuginfo (11o, 11p)
    std::map<std::int64_t, moodle_course> courses;
    std::map<std::int64_t, moodle_module> modules;  // by cmid
    std::vector<moodle_group> groups;
    std::map<std::pair<std::int64_t, std::int64_t>, std::pair<int, std::int64_t>> completion;  // (cmid, user) -> state, time
    std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t> credited;  // course criteria marked by cron
    // block_recentlyaccesseditems: one row per user and module, the last view's time.
    std::vector<std::tuple<std::int64_t, std::int64_t, std::int64_t>> recent;  // user, cmid, time
    std::vector<moodle_message> messages;
    std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t> conversations;  // (low, high) -> id
    std::int64_t next_conversation = 1;
    std::int64_t next_id = 100;  // user, course, cmid and group ids made through control
    std::vector<moodle_fault> faults;
    std::size_t calls = 0;
    std::map<std::string, std::size_t> calls_by_function;
    std::optional<std::int64_t> fixed_now;

    std::int64_t now() const;
    std::int64_t conversation_of(std::int64_t a, std::int64_t b);
    // A view by `user` (a mod_*_view_* call or the control operation).
    void view(std::int64_t user, std::int64_t cmid);
    void cron();
};

struct moodle_options {
    bool control = false;  // a second listener for POST /control (moodle-sim)
    std::uint16_t port = 0;
    std::uint16_t control_port = 0;
};

class moodle {
public:
    explicit moodle(moodle_options opts = {});
    moodle(const moodle&) = delete;
    moodle& operator=(const moodle&) = delete;
    ~moodle();

    std::uint16_t port() const { return port_; }
    std::string base_url() const;
    std::uint16_t control_port() const { return control_port_; }

    template <class F>
    auto with_world(F&& f)
    {
        std::lock_guard lock(mutex_);
        return f(world_);
    }

    // One operation or an array of them (tests/sim/README.md, "Moodle").
    nlohmann::json control(const nlohmann::json& operation);

    struct impl;

private:
    std::unique_ptr<impl> impl_;
    std::mutex mutex_;
    moodle_world world_;
    std::uint16_t port_ = 0;
    std::uint16_t control_port_ = 0;
};

// The answer to one web-service request (exposed for the fidelity suite and
// the benchmarks): status, content type and body.
struct moodle_answer {
    unsigned status = 200;
    std::string content_type = "application/json";
    std::string body;
    bool token_endpoint = false;  // /login/token.php: other cache headers
};
moodle_answer answer_moodle(moodle_world& world, const std::string& method, const std::string& target,
                            const std::string& body);

}  // namespace prereadd::sim
