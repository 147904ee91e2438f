#include "run_test.hpp"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "grading/record.hpp"

extern char** environ;

namespace nnlab::grade {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::atomic<bool> interrupted{false};

namespace {

void on_interrupt(int) { interrupted = true; }

constexpr uid_t kNobody = 65534;

std::string make_nonce() {
    std::random_device device;  // /dev/urandom
    std::ostringstream out;
    for (int i = 0; i < 4; ++i) out << std::hex << device();
    return out.str();
}

// A pipe whose ends are above the standard descriptors and close on exec (dup2 in the
// child clears that flag on the copy it makes).
bool make_pipe(int fds[2]) {
    int raw[2];
    if (::pipe2(raw, O_CLOEXEC) != 0) return false;
    for (int i = 0; i < 2; ++i) {
        fds[i] = ::fcntl(raw[i], F_DUPFD_CLOEXEC, 10);
        ::close(raw[i]);
    }
    ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
    return fds[0] >= 0 && fds[1] >= 0;
}

// A child process in its own group with its output (and optionally a record pipe) captured.
struct Child {
    pid_t pid = -1;
    int out = -1, record = -1;  // our read ends
    std::string output, records;
    int status = 0;
    bool exited = false, timed_out = false, stopped = false;
};

// Every process we started that is still being supervised; kill_strays() spares these and
// their descendants. Held across fork(), so a sweep never sees a child not yet registered.
std::mutex live_mutex;
std::set<pid_t> live;

// What the child sets up between fork() and exec(): only async-signal-safe calls (other
// threads may hold locks), failures reported as an errno on `error_fd`.
[[noreturn]] void exec_child(char* const* args, char* const* envp, int out, int record, const char* cwd,
                             const SpawnLimits& limits, int error_fd) {
    auto fail = [&] {
        const int e = errno;
        (void)!::write(error_fd, &e, sizeof e);
        ::_exit(127);
    };
    ::setpgid(0, 0);  // its own group: we can kill everything it starts
    for (int s : {SIGINT, SIGTERM, SIGPIPE, SIGHUP}) ::signal(s, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    const int null = ::open("/dev/null", O_RDONLY);
    if (null < 0 || ::dup2(null, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(out, 2) < 0) fail();
    if (record >= 0 && ::dup2(record, 3) < 0) fail();
    if (cwd != nullptr && ::chdir(cwd) != 0) fail();
    if (limits.memory_bytes > 0) {
        const rlimit as{limits.memory_bytes, limits.memory_bytes};
        if (::setrlimit(RLIMIT_AS, &as) != 0) fail();
    }
    if (limits.drop_root && ::geteuid() == 0) {  // nobody: it cannot write the grading tree
        if (::setgroups(0, nullptr) != 0 || ::setgid(kNobody) != 0 || ::setuid(kNobody) != 0) fail();
    }
    ::execve(args[0], args, envp);
    fail();
    ::_exit(127);
}

bool spawn(Child& child, const std::vector<std::string>& argv, const std::vector<std::string>& env, bool with_record,
           std::string& error, const fs::path& cwd, const SpawnLimits& limits) {
    int out[2], rec[2] = {-1, -1}, err[2];
    if (!make_pipe(out) || (with_record && !make_pipe(rec)) || !make_pipe(err)) {
        error = std::string("cannot make a pipe: ") + std::strerror(errno);
        return false;
    }
    ::fcntl(err[0], F_SETFL, 0);  // a blocking read: exec's success closes it
    std::vector<char*> args, envp;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    {
        std::lock_guard lock(live_mutex);
        child.pid = ::fork();
        if (child.pid == 0)
            exec_child(args.data(), envp.data(), out[1], with_record ? rec[1] : -1, cwd.empty() ? nullptr : cwd.c_str(),
                       limits, err[1]);
        if (child.pid > 0) live.insert(child.pid);
    }
    const int fork_errno = errno;
    ::close(out[1]);
    if (with_record) ::close(rec[1]);
    ::close(err[1]);
    int child_errno = 0;
    const bool failed = child.pid < 0 || ::read(err[0], &child_errno, sizeof child_errno) == sizeof child_errno;
    ::close(err[0]);
    child.out = out[0];
    child.record = with_record ? rec[0] : -1;
    if (failed) {
        error = "cannot run " + argv[0] + ": " + std::strerror(child.pid < 0 ? fork_errno : child_errno);
        if (child.pid > 0) {
            ::waitpid(child.pid, nullptr, 0);
            std::lock_guard lock(live_mutex);
            live.erase(child.pid);
        }
        ::close(child.out);
        if (child.record >= 0) ::close(child.record);
        return false;
    }
    return true;
}

// Reads what is there without blocking; false at end of file.
bool drain(int fd, std::string& into, std::size_t limit) {
    char buffer[8192];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n > 0) {
            if (into.size() < limit) into.append(buffer, std::min<std::size_t>(static_cast<std::size_t>(n), limit - into.size()));
            continue;
        }
        if (n == 0) return false;
        return errno == EAGAIN || errno == EINTR;
    }
}

// Waits for the child, reading its pipes; enforces the time limit and the interrupt flag.
void supervise(Child& child, double timeout_s, double grace_s, std::size_t max_output) {
    const auto start = Clock::now();
    const auto limit = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_s));
    const auto kill_at = limit + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(grace_s));
    bool out_open = true, rec_open = child.record >= 0, termed = false;
    while (!child.exited) {
        pollfd fds[2];
        int n = 0;
        if (out_open) fds[n++] = {child.out, POLLIN, 0};
        if (rec_open) fds[n++] = {child.record, POLLIN, 0};
        ::poll(fds, static_cast<nfds_t>(n), 50);
        if (out_open) out_open = drain(child.out, child.output, max_output);
        if (rec_open) rec_open = drain(child.record, child.records, 1 << 18);
        if (::waitpid(child.pid, &child.status, WNOHANG) == child.pid) child.exited = true;
        const auto now = Clock::now();
        if (!child.exited && interrupted) {
            ::kill(-child.pid, SIGKILL);
            child.stopped = true;
        } else if (!child.exited && now >= kill_at) {
            ::kill(-child.pid, SIGKILL);
        } else if (!child.exited && now >= limit && !termed) {
            child.timed_out = termed = true;
            ::kill(-child.pid, SIGTERM);
        }
    }
    // What it wrote before exiting; then nothing of its group may outlive it.
    if (out_open) drain(child.out, child.output, max_output);
    if (rec_open) drain(child.record, child.records, 1 << 18);
    ::kill(-child.pid, SIGKILL);
    ::close(child.out);
    if (child.record >= 0) ::close(child.record);
    std::lock_guard lock(live_mutex);
    live.erase(child.pid);
}

std::vector<std::string> environment_with(const std::vector<std::string>& extra) {
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e)
        if (std::strncmp(*e, "NNLAB_RECORD_NONCE=", 19) != 0) env.emplace_back(*e);
    env.insert(env.end(), extra.begin(), extra.end());
    return env;
}

// The last lines of a test's output, to show beside a crash.
std::string tail(const std::string& text, int lines) {
    std::size_t at = text.size();
    while (at > 0 && (text[at - 1] == '\n')) --at;
    const std::size_t end = at;
    for (int seen = 0; at > 0; --at)
        if (text[at - 1] == '\n' && ++seen == lines) break;
    return grading::valid_utf8(text.substr(at, end - at));
}

std::string exit_description(int status) {
    if (WIFSIGNALED(status)) return "crashed: " + signal_name(WTERMSIG(status));
    return "exit status " + std::to_string(WEXITSTATUS(status));
}

}  // namespace

void install_interrupt_handler() {
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

std::string signal_name(int signal) {
    if (const char* abbrev = sigabbrev_np(signal)) return std::string("SIG") + abbrev;
    return "signal " + std::to_string(signal);
}

// A process of ours: its parent and its state (Z: a zombie), from /proc/<pid>/stat.
struct ProcInfo {
    pid_t ppid;
    char state;
};

std::map<pid_t, ProcInfo> list_processes() {
    std::map<pid_t, ProcInfo> procs;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/proc", ec)) {
        const std::string name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream in(entry.path() / "stat");
        std::string stat;
        std::getline(in, stat);
        const auto close = stat.rfind(')');  // the command name may hold spaces and ')'
        if (close == std::string::npos || close + 4 >= stat.size()) continue;
        std::istringstream rest(stat.substr(close + 2));
        ProcInfo info{};
        if (rest >> info.state >> info.ppid) procs[static_cast<pid_t>(std::stol(name))] = info;
    }
    return procs;
}

void kill_strays() {
    const pid_t self = ::getpid();
    std::lock_guard lock(live_mutex);
    for (int round = 0; round < 200; ++round) {
        const auto procs = list_processes();
        std::multimap<pid_t, pid_t> children;  // parent → child
        for (const auto& [pid, info] : procs) children.emplace(info.ppid, pid);
        // Our descendants, each marked spared when it or an ancestor below us is supervised.
        std::vector<std::pair<pid_t, bool>> todo, strays;
        for (auto [it, end] = children.equal_range(self); it != end; ++it) todo.emplace_back(it->second, live.count(it->second) > 0);
        while (!todo.empty()) {
            const auto [pid, spared] = todo.back();
            todo.pop_back();
            if (!spared) strays.emplace_back(pid, false);
            for (auto [it, end] = children.equal_range(pid); it != end; ++it) todo.emplace_back(it->second, spared);
        }
        bool left = false;
        for (const auto& [pid, unused] : strays) {
            const ProcInfo& info = procs.at(pid);
            if (info.state != 'Z') {
                ::kill(pid, SIGKILL);
                left = true;
            } else if (info.ppid == self) {
                ::waitpid(pid, nullptr, WNOHANG);  // an orphan handed to us (the subreaper): reap it
            }
        }
        if (!left) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

void become_subreaper() { ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); }

int run_command(const std::vector<std::string>& argv, std::string& output, double timeout_s, std::size_t max_output,
                const fs::path& cwd, const SpawnLimits& limits) {
    Child child;
    std::string error;
    if (!spawn(child, argv, environment_with({}), false, error, cwd, limits)) {
        output = error;
        return -1;
    }
    supervise(child, timeout_s, 2, max_output);
    kill_strays();
    output = std::move(child.output);
    if (child.timed_out) output += "\n(stopped after " + std::to_string(static_cast<int>(timeout_s)) + " s)";
    return child.timed_out || child.stopped ? -1 : child.status;
}

Outcome run_test(const fs::path& program, const std::string& lab, const std::string& test, const Limits& limits,
                 const std::vector<std::string>& extra_env) {
    const std::string nonce = make_nonce();
    std::error_code ec;  // its real path: nobody (below) may not pass through a private folder's link
    const fs::path real = fs::weakly_canonical(program, ec);
    const std::vector<std::string> argv = {(ec ? program : real).string(), "--gtest_filter=" + test, "--nnlab-record-fd=3",
                                           "--nnlab-quiet", "--gtest_color=no"};
    std::vector<std::string> extra = extra_env;
    extra.push_back("NNLAB_RECORD_NONCE=" + nonce);
    Child child;
    std::string error;
    if (!spawn(child, argv, environment_with(extra), true, error, {}, limits.test)) {
        if (limits.test.drop_root && ::geteuid() == 0 && error.find(std::strerror(EACCES)) != std::string::npos)
            error += " (as root, nnlab-grade runs each test as nobody: the grading tree and every folder above it "
                     "must be readable and searchable by others)";
        return {"failed", "", error, ""};
    }
    supervise(child, limits.timeout_s, limits.grace_s, 1 << 16);
    kill_strays();  // whatever it started (a daemon, setsid) dies with it

    if (child.stopped) return {"interrupted", "", "stopped (Ctrl-C)", ""};
    if (child.timed_out)
        return {"timeout", "", "timed out after " + std::to_string(static_cast<int>(limits.timeout_s)) +
                                   " s (an endless loop?); stopped with SIGTERM, then SIGKILL", ""};

    // The records: exactly one, well-formed, with our nonce, for this test of this lab.
    std::vector<grading::Record> records;
    std::string problem;
    std::istringstream lines(child.records);
    for (std::string line; std::getline(lines, line);) {
        if (line.empty()) continue;
        std::string why;
        auto r = grading::parse_record_line(line, nonce, why);
        if (!r) problem = why;
        else if (r->test != test || r->lab != lab) problem = "a record for another test (" + grading::valid_utf8(r->lab + " " + r->test) + ")";
        else records.push_back(*r);
    }
    if (records.size() > 1 && problem.empty()) problem = "more than one record for this test";

    if (WIFSIGNALED(child.status)) {
        std::string message = exit_description(child.status);
        if (const std::string last = tail(child.output, 5); !last.empty()) message += "\n" + last;
        return {"crashed", "", message, ""};
    }
    if (!problem.empty()) return {"failed", "", "not graded: " + problem, ""};
    if (records.empty()) {
        std::string message = "the test stopped without reporting (" + exit_description(child.status) +
                              "): exit() or _exit() called during the test?";
        if (const std::string last = tail(child.output, 5); !last.empty()) message += "\n" + last;
        return {"failed", "", message, ""};
    }
    const grading::Record& r = records.front();
    if (r.status == "passed" && WEXITSTATUS(child.status) != 0)
        return {"failed", "", "reported passed but the program ended with " + exit_description(child.status), ""};
    return {r.status, r.blocked_by, grading::valid_utf8(r.message), grading::valid_utf8(r.where)};
}

}  // namespace nnlab::grade
