// End-to-end tests of the `noisett` executable: each test runs the built binary as a child
// process on files in a fresh temporary directory and checks its exit status, its stdout JSON
// lines, its stderr and the files it wrote.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli/command_names.h"
#include "image/test_images.h"
#include "support/loopback_http_server.h"

#ifndef NOISETT_BIN
#error "NOISETT_BIN must name the noisett executable"
#endif

namespace noisett::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct RunResult {
  int status = -1;  // exit status, or -1 when the child did not exit normally
  std::string out;
  std::string err;
  std::vector<json> lines;  // stdout parsed line by line
};

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteAll(const fs::path& p, const std::string& data) {
  std::ofstream out(p, std::ios::binary);
  out << data;
  ASSERT_TRUE(out.good()) << p;
}

class NoisettCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "noisett_cli_XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    out_ = dir_ / "out";
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Writes an input file and returns its path.
  fs::path Input(const std::string& name, const std::string& bytes) {
    const fs::path p = dir_ / name;
    WriteAll(p, bytes);
    return p;
  }

  // Runs noisett with `args`. The child's environment is ours without any NOISETT_* variable,
  // plus `env`.
  // When `json_output`, every stdout line must be a JSON object.
  // A child still running after `timeout` is killed and reported with status -1.
  RunResult Run(const std::vector<std::string>& args,
                const std::map<std::string, std::string>& env = {}, bool json_output = true,
                std::chrono::seconds timeout = std::chrono::seconds(60)) {
    const fs::path out_file = dir_ / "stdout.txt";
    const fs::path err_file = dir_ / "stderr.txt";
    // Everything the child needs is built before fork(): only async-signal-safe calls follow.
    std::vector<std::string> argv_s = {NOISETT_BIN};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_s;
    for (char** e = environ; *e != nullptr; ++e) {
      if (std::string_view(*e).rfind("NOISETT_", 0) != 0) env_s.emplace_back(*e);
    }
    for (const auto& [k, v] : env) env_s.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);
    const int out_fd = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const int err_fd = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    EXPECT_GE(out_fd, 0);
    EXPECT_GE(err_fd, 0);

    const pid_t pid = ::fork();
    if (pid == 0) {
      ::dup2(out_fd, STDOUT_FILENO);
      ::dup2(err_fd, STDERR_FILENO);
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
    ::close(out_fd);
    ::close(err_fd);
    RunResult r;
    int wstatus = 0;
    EXPECT_GT(pid, 0);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    pid_t done = 0;
    while (pid > 0 && (done = ::waitpid(pid, &wstatus, WNOHANG)) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid, SIGKILL);
        done = ::waitpid(pid, &wstatus, 0);
        ADD_FAILURE() << "noisett did not finish within " << timeout.count() << "s";
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (done == pid && WIFEXITED(wstatus)) r.status = WEXITSTATUS(wstatus);
    r.out = ReadAll(out_file);
    r.err = ReadAll(err_file);
    if (!json_output) return r;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
      json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
      EXPECT_TRUE(j.is_object()) << "stdout line is not a JSON object: " << line;
      r.lines.push_back(std::move(j));
    }
    return r;
  }

  std::vector<std::string> Optimize(const std::vector<fs::path>& files,
                                    const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"optimize"};
    for (const auto& f : files) args.push_back(f.string());
    args.insert(args.end(), {"--out", out_.string()});
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  fs::path dir_;
  fs::path out_;
};


// The written file exists, decodes, and has the size the JSON line reports.
void ExpectOutput(const fs::path& path, int width, int height, const std::string& magic) {
  ASSERT_TRUE(fs::exists(path)) << path;
  const std::string bytes = ReadAll(path);
  EXPECT_EQ(bytes.compare(0, magic.size(), magic), 0) << path;
  const vips::VImage img = testing::Decode(bytes);
  EXPECT_EQ(img.width(), width) << path;
  EXPECT_EQ(img.height(), height) << path;
}

TEST_F(NoisettCliTest, GoodFilesWriteOutputsAndOneJsonLineEach) {
  const fs::path a = Input("alpha.png", testing::ToPng(testing::Solid(300, 200, {0, 0, 0, 0})));
  const fs::path b = Input("rotated.jpg", testing::InsertJpegSegments(
                                              testing::ToJpeg(testing::CornerMarked(300, 200, 40)),
                                              testing::ExifSegment(6, true)));
  const fs::path c = Input("small.webp", testing::ToWebp(testing::Textured(100, 80)));
  const RunResult r = Run(Optimize({a, b, c}, {"--jobs", "3"}));
  ASSERT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(r.lines.size(), 3u) << r.out;
  EXPECT_EQ(r.err.find("noisett:"), std::string::npos) << r.err;

  const fs::path inputs[] = {a, b, c};
  const int sizes[][4] = {{300, 200, 256, 171}, {200, 300, 171, 256}, {100, 80, 100, 80}};
  const char* sources[] = {"png", "jpeg", "webp"};
  for (size_t i = 0; i < 3; ++i) {
    const json& line = r.lines[i];
    SCOPED_TRACE(line.dump());
    EXPECT_EQ(line["file"], inputs[i].string()) << "lines are in input order";
    for (const char* f : testing::kMetadataFields) EXPECT_TRUE(line.contains(f)) << f;
    EXPECT_FALSE(line.contains("error"));
    EXPECT_EQ(line["source_format"], sources[i]);
    EXPECT_EQ(line["format"], "jpeg");
    EXPECT_EQ(line["content_type"], "image/jpeg");
    EXPECT_EQ(line["width"], sizes[i][0]);
    EXPECT_EQ(line["height"], sizes[i][1]);
    EXPECT_EQ(line["thumbnail_width"], sizes[i][2]);
    EXPECT_EQ(line["thumbnail_height"], sizes[i][3]);
    EXPECT_EQ(line["original_size_bytes"].get<uint64_t>(), fs::file_size(inputs[i]));

    const std::string stem = inputs[i].stem().string();
    const fs::path full = out_ / (stem + ".jpg");
    const fs::path thumb = out_ / ("thumb_" + stem + ".jpg");
    EXPECT_EQ(line["output"], full.string());
    EXPECT_EQ(line["thumbnail"], thumb.string());
    ExpectOutput(full, sizes[i][0], sizes[i][1], "\xFF\xD8\xFF");
    ExpectOutput(thumb, sizes[i][2], sizes[i][3], "\xFF\xD8\xFF");
    EXPECT_EQ(line["optimized_size_bytes"].get<uint64_t>(), fs::file_size(full));
    EXPECT_EQ(line["thumbnail_size_bytes"].get<uint64_t>(), fs::file_size(thumb));
  }
  EXPECT_EQ(r.lines[0]["has_alpha"], true);
  // GPS EXIF does not reach the written files.
  EXPECT_FALSE(testing::Contains(ReadAll(out_ / "rotated.jpg"), "GPS"));
  EXPECT_FALSE(testing::Contains(ReadAll(out_ / "thumb_rotated.jpg"), "Exif"));
}

TEST_F(NoisettCliTest, OutputOrderDoesNotDependOnJobs) {
  std::vector<fs::path> files;
  for (int i = 0; i < 6; ++i) {
    // Decreasing sizes, so later files tend to finish first with several jobs.
    files.push_back(Input(std::string("img") + std::to_string(i) + ".png",
                          testing::ToPng(testing::Textured(600 - 80 * i, 300))));
  }
  const RunResult r = Run(Optimize(files, {"-j", "4"}));
  ASSERT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(r.lines.size(), files.size());
  for (size_t i = 0; i < files.size(); ++i) EXPECT_EQ(r.lines[i]["file"], files[i].string());
}

TEST_F(NoisettCliTest, BadFileIsReportedAndOthersAreStillWritten) {
  const std::string jpeg = testing::ToJpeg(testing::Textured(200, 150));
  const fs::path good1 = Input("first.png", testing::ToPng(testing::Textured(120, 90)));
  const fs::path bad = Input("broken.jpg", jpeg.substr(0, jpeg.size() / 2));
  const fs::path text = Input("notes.png", "not an image at all\n");
  const fs::path missing = dir_ / "missing.png";
  const fs::path good2 = Input("last.jpg", jpeg);
  const RunResult r = Run(Optimize({good1, bad, text, missing, good2}, {"-j", "2"}));
  EXPECT_EQ(r.status, 1) << r.err;
  ASSERT_EQ(r.lines.size(), 5u) << r.out;

  const std::pair<fs::path, std::string> failures[] = {
      {bad, "corrupt"}, {text, "unsupported_format"}, {missing, "not_found"}};
  for (size_t k = 0; k < 3; ++k) {
    const auto& [file, code] = failures[k];
    const json& line = r.lines[k + 1];
    SCOPED_TRACE(line.dump());
    EXPECT_EQ(line["file"], file.string());
    ASSERT_TRUE(line.contains("error"));
    EXPECT_EQ(line["error"]["code"], code);
    EXPECT_TRUE(line["error"].contains("message"));
    EXPECT_FALSE(line.contains("width"));
    // stderr names the file and the code on one line.
    EXPECT_NE(r.err.find(file.string() + ": " + code), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out_ / (file.stem().string() + ".jpg")));
  }
  EXPECT_EQ(r.lines[0]["file"], good1.string());
  EXPECT_EQ(r.lines[4]["file"], good2.string());
  EXPECT_EQ(r.lines[4]["width"], 200);
  ExpectOutput(out_ / "first.jpg", 120, 90, "\xFF\xD8\xFF");
  ExpectOutput(out_ / "thumb_first.jpg", 120, 90, "\xFF\xD8\xFF");
  ExpectOutput(out_ / "last.jpg", 200, 150, "\xFF\xD8\xFF");
  ExpectOutput(out_ / "thumb_last.jpg", 200, 150, "\xFF\xD8\xFF");
}

TEST_F(NoisettCliTest, WebpFormatWritesWebpFiles) {
  const fs::path a = Input("pic.png", testing::ToPng(testing::Solid(400, 300, {255, 0, 0, 128})));
  const RunResult r = Run(Optimize({a}, {"--format", "webp", "--quality", "high"}));
  ASSERT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_EQ(r.lines[0]["format"], "webp");
  EXPECT_EQ(r.lines[0]["content_type"], "image/webp");
  EXPECT_EQ(r.lines[0]["thumbnail_content_type"], "image/webp");
  ExpectOutput(out_ / "pic.webp", 400, 300, "RIFF");
  ExpectOutput(out_ / "thumb_pic.webp", 256, 192, "RIFF");
  EXPECT_EQ(testing::Decode(ReadAll(out_ / "pic.webp")).bands(), 4) << "alpha is kept";
  EXPECT_FALSE(fs::exists(out_ / "pic.jpg"));
}

TEST_F(NoisettCliTest, OptionsChangeTheOutput) {
  const fs::path a = Input("big.png", testing::ToPng(testing::Textured(800, 600)));
  const RunResult r =
      Run(Optimize({a}, {"--max-dimension", "400", "--thumb-size", "100", "-q", "low"}));
  ASSERT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(r.lines.size(), 1u);
  ExpectOutput(out_ / "big.jpg", 400, 300, "\xFF\xD8\xFF");
  ExpectOutput(out_ / "thumb_big.jpg", 100, 75, "\xFF\xD8\xFF");
  const auto low_size = fs::file_size(out_ / "big.jpg");
  const RunResult high = Run(Optimize({a}, {"--max-dimension", "400", "-q", "high"}));
  ASSERT_EQ(high.status, 0) << high.err;
  EXPECT_GT(fs::file_size(out_ / "big.jpg"), low_size);
}

TEST_F(NoisettCliTest, SameStemTwiceIsRefused) {
  const fs::path a = Input("dup.png", testing::ToPng(testing::Textured(64, 48)));
  const fs::path b = Input("dup.jpg", testing::ToJpeg(testing::Textured(64, 48)));
  const RunResult r = Run(Optimize({a, b}));
  EXPECT_EQ(r.status, 1);
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_FALSE(r.lines[0].contains("error"));
  EXPECT_EQ(r.lines[1]["error"]["code"], "name_clash");
}

TEST_F(NoisettCliTest, OutputsNeverOverwriteEachOther) {
  // a.png writes a.jpg and thumb_a.jpg; thumb_a.png writes thumb_a.jpg and thumb_thumb_a.jpg.
  // One of them must be refused, or a reported file would hold the other input's image.
  const fs::path a = Input("a.png", testing::ToPng(testing::Textured(100, 80)));
  const fs::path b = Input("thumb_a.png", testing::ToPng(testing::Textured(60, 40)));
  const RunResult r = Run(Optimize({a, b}, {"-j", "1"}));
  ASSERT_EQ(r.lines.size(), 2u) << r.out;
  std::map<std::string, std::string> claimed;  // output path -> input that reported it
  for (const json& line : r.lines) {
    if (line.contains("error")) continue;
    for (const char* key : {"output", "thumbnail"}) {
      const std::string path = line[key];
      const auto [it, inserted] = claimed.emplace(path, line["file"]);
      EXPECT_TRUE(inserted) << path << " reported by both " << it->second << " and "
                            << line["file"].get<std::string>();
    }
    ExpectOutput(line["output"].get<std::string>(), line["width"], line["height"], "\xFF\xD8\xFF");
    ExpectOutput(line["thumbnail"].get<std::string>(), line["thumbnail_width"],
                 line["thumbnail_height"], "\xFF\xD8\xFF");
  }
  EXPECT_EQ(r.status, 1) << "the clash must be reported";
}

TEST_F(NoisettCliTest, DirectoryInputIsReported) {
  const fs::path sub = dir_ / "folder.png";
  fs::create_directory(sub);
  const RunResult r = Run(Optimize({sub}));
  EXPECT_EQ(r.status, 1);
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_EQ(r.lines[0]["error"]["code"], "not_a_file");
}

TEST_F(NoisettCliTest, FifoInputIsRefusedWithoutWaitingForAWriter) {
  // Opening a FIFO for reading blocks until a writer appears; a batch run must not hang on one.
  const fs::path fifo = dir_ / "pipe.png";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const fs::path good = Input("good.png", testing::ToPng(testing::Textured(32, 32)));
  const RunResult r = Run(Optimize({fifo, good}), {}, true, std::chrono::seconds(5));
  EXPECT_EQ(r.status, 1);
  ASSERT_EQ(r.lines.size(), 2u) << r.out;
  EXPECT_EQ(r.lines[0]["error"]["code"], "not_a_file");
  EXPECT_FALSE(r.lines[1].contains("error"));
}

TEST_F(NoisettCliTest, MaxPixelsFromEnvironment) {
  const fs::path a = Input("pic.png", testing::ToPng(testing::Textured(100, 80)));
  const RunResult small = Run(Optimize({a}), {{"NOISETT_MAX_PIXELS", "7999"}});
  EXPECT_EQ(small.status, 1) << small.err;
  ASSERT_EQ(small.lines.size(), 1u);
  EXPECT_EQ(small.lines[0]["error"]["code"], "too_many_pixels");
  EXPECT_NE(small.err.find("too_many_pixels"), std::string::npos) << small.err;

  const RunResult enough = Run(Optimize({a}), {{"NOISETT_MAX_PIXELS", "8000"}});
  EXPECT_EQ(enough.status, 0) << enough.err;

  // A flag overrides its variable.
  const RunResult flag = Run(Optimize({a}, {"--max-pixels", "8K"}), {{"NOISETT_MAX_PIXELS", "10"}});
  EXPECT_EQ(flag.status, 0) << flag.err;
}

TEST_F(NoisettCliTest, MaxUploadBytesFromEnvironment) {
  const std::string png = testing::ToPng(testing::Textured(100, 80));
  ASSERT_GT(png.size(), 1024u);
  const fs::path a = Input("pic.png", png);
  const RunResult r = Run(Optimize({a}), {{"NOISETT_MAX_UPLOAD_BYTES", "1K"}});
  EXPECT_EQ(r.status, 1) << r.err;
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_EQ(r.lines[0]["error"]["code"], "too_large");
  // The message reports the real size, not the capped read.
  EXPECT_NE(r.lines[0]["error"]["message"].get<std::string>().find(std::to_string(png.size())),
            std::string::npos)
      << r.lines[0].dump();
  const RunResult ok =
      Run(Optimize({a}), {{"NOISETT_MAX_UPLOAD_BYTES", std::to_string(png.size())}});
  EXPECT_EQ(ok.status, 0) << ok.err;
}

TEST_F(NoisettCliTest, DefaultUploadLimitIsTenMebibytes) {
  std::string png = testing::ToPng(testing::Textured(64, 48));
  png.resize((10u << 20) + 1, '\0');
  const RunResult r = Run(Optimize({Input("huge.png", png)}));
  EXPECT_EQ(r.status, 1);
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_EQ(r.lines[0]["error"]["code"], "too_large");
}

void ExpectHelpMentionsEverything(const std::string& help) {
  for (const char* s :
       {"--out", "--quality", "--max-dimension", "--thumb-size", "--format", "--jobs",
        "--max-upload-bytes", "--max-pixels", "NOISETT_MAX_UPLOAD_BYTES", "NOISETT_MAX_PIXELS"}) {
    EXPECT_NE(help.find(s), std::string::npos) << "help does not mention " << s;
  }
}

// The top-level help is a page, not a manual: every command once with one line, the shared
// options once; each command's options are in its own help (OptimizeHelpMentions...).
TEST_F(NoisettCliTest, TopLevelHelpIsShortAndNamesEveryCommand) {
  const RunResult r = Run({"--help"}, {}, /*json_output=*/false);
  EXPECT_EQ(r.status, 0);
  EXPECT_LT(std::count(r.out.begin(), r.out.end(), '\n'), 80) << r.out;
  for (const char* name : {"optimize", "token", "whoami", "serve", "init", "catalog.rebuild",
                           "fsck", "lifecycle.run", "lifecycle.export"}) {
    EXPECT_NE(r.out.find(std::string("\n  ") + name + " "), std::string::npos) << name;
  }
  for (std::string_view name : RegistryCommandNames()) {
    EXPECT_NE(r.out.find("\n  " + std::string(name) + " "), std::string::npos) << name;
  }
  // Shared options once, not under every command.
  for (const char* flag : {"--data-dir", "--catalog", "--pg-pool", "--max-upload-bytes"}) {
    const size_t at = r.out.find(std::string(" ") + flag + " ");
    ASSERT_NE(at, std::string::npos) << flag << "\n" << r.out;
    EXPECT_EQ(r.out.find(std::string(flag) + " [", at), std::string::npos) << flag;
    EXPECT_EQ(r.out.find(std::string(" ") + flag + " ", at + 1), std::string::npos)
        << flag << " twice";
  }
  EXPECT_EQ(r.out.find("Commands:"), r.out.find("\n\nCommands:") + 2) << "commands come first";
  EXPECT_LT(r.out.find("Commands:"), r.out.find("Shared options"));
}

// `noisett NAME --help` shows what the command does and its input fields, from the registry's
// own summary (service/command_docs.h), then the options; it needs no store.
TEST_F(NoisettCliTest, CommandHelpListsItsFields) {
  const RunResult list = Run({"history.list", "--help"}, {}, /*json_output=*/false);
  EXPECT_EQ(list.status, 0) << list.err;
  EXPECT_EQ(list.out.rfind("noisett history.list: ", 0), 0u) << list.out;
  EXPECT_NE(list.out.find("Input fields (a JSON object; ? optional): {limit 1..200, cursor?}\n"),
            std::string::npos)
      << list.out;
  EXPECT_NE(list.out.find("--server"), std::string::npos) << list.out;
  const RunResult url = Run({"images.url", "{}", "-h"}, {}, /*json_output=*/false);
  EXPECT_EQ(url.status, 0) << url.err;
  for (const char* field : {"job_id", "image_index", "thumbnail?", "expiry_hours"}) {
    EXPECT_NE(url.out.find(field), std::string::npos) << field << "\n" << url.out;
  }
  const RunResult typo = Run({"history.lst", "--help"}, {}, /*json_output=*/false);
  EXPECT_EQ(typo.status, 2);
  EXPECT_EQ(typo.err,
            "noisett: unknown_command: no command \"history.lst\"; did you mean "
            "\"history.list\"?\n");
}

// A mistyped --data-dir must not become a new, empty store answering "no history" with exit 0:
// every command that uses the store refuses a missing one; `init` (or serve) creates it.
TEST_F(NoisettCliTest, MissingStoreIsRefusedUntilInit) {
  const fs::path data = dir_ / "data";
  const std::string data_dir = "--data-dir=" + data.string();
  const std::vector<std::vector<std::string>> uses_the_store = {
      {"history.list", "{}", "--user", "alice", data_dir},
      {"storage.metrics", "{}", "--user", "alice", data_dir},
      {"fsck", data_dir},
      {"catalog.rebuild", data_dir},
      {"lifecycle.run", "--dry-run", data_dir},
  };
  for (const auto& args : uses_the_store) {
    const RunResult r = Run(args, {}, /*json_output=*/false);
    EXPECT_EQ(r.status, 2) << args[0] << "\n" << r.err;
    EXPECT_NE(r.err.find("store_missing"), std::string::npos) << args[0] << "\n" << r.err;
    EXPECT_NE(r.err.find("noisett init"), std::string::npos) << args[0] << "\n" << r.err;
    // Registry commands print their error object on stdout too (cli_output.h); the operator
    // tools print nothing there.
    if (args[1] == "{}") {
      EXPECT_EQ(json::parse(r.out)["error"]["code"], "store_missing") << args[0] << "\n" << r.out;
    } else {
      EXPECT_TRUE(r.out.empty()) << args[0] << "\n" << r.out;
    }
    EXPECT_FALSE(fs::exists(data)) << args[0] << " created the store";
  }
  const RunResult init = Run({"init", data_dir}, {}, /*json_output=*/false);
  ASSERT_EQ(init.status, 0) << init.err;
  EXPECT_NE(init.out.find("created store"), std::string::npos) << init.out;
  const RunResult again = Run({"init", data_dir}, {}, /*json_output=*/false);
  EXPECT_EQ(again.status, 0) << again.err;
  EXPECT_NE(again.out.find("existing store"), std::string::npos) << again.out;
  for (const auto& args : uses_the_store) {
    const RunResult r = Run(args, {}, /*json_output=*/false);
    EXPECT_EQ(r.status, 0) << args[0] << "\n" << r.err;
  }
  const RunResult history =
      Run({"history.list", "{}", "--user", "alice", data_dir}, {}, /*json_output=*/false);
  EXPECT_NE(history.out.find("\"total_count\":0"), std::string::npos) << history.out;
}

TEST_F(NoisettCliTest, TopLevelHelpDocumentsInit) {
  const RunResult r = Run({"--help"}, {}, /*json_output=*/false);
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("\n  init "), std::string::npos) << r.out;  // the command's line
  EXPECT_NE(r.out.find("noisett init"), std::string::npos) << r.out;
}

TEST_F(NoisettCliTest, OptimizeHelpMentionsEveryOptionAndVariable) {
  const RunResult r = Run({"optimize", "--help"}, {}, /*json_output=*/false);
  EXPECT_EQ(r.status, 0);
  ExpectHelpMentionsEverything(r.out);
}

// "noisett X.Y.Z" then, in a git checkout, the configured commit in parentheses; nothing else.
// (By hand, not std::regex: g++ 12 warns inside it at -O1, the sanitizer build.)
bool IsVersionLine(const std::string& text) {
  const std::string prefix = "noisett ";
  if (text.rfind(prefix, 0) != 0 || text.back() != '\n') return false;
  const std::string rest = text.substr(prefix.size(), text.size() - prefix.size() - 1);
  const size_t space = rest.find(' ');
  const std::string version = rest.substr(0, space);
  if (std::count(version.begin(), version.end(), '.') != 2 ||
      version.find_first_not_of("0123456789.") != std::string::npos || version.front() == '.' ||
      version.back() == '.' || version.find("..") != std::string::npos) {
    return false;
  }
  if (space == std::string::npos) return true;
  const std::string commit = rest.substr(space + 1);
  return commit.size() >= 9 && commit.size() <= 42 && commit.front() == '(' &&
         commit.back() == ')' &&
         commit.substr(1, commit.size() - 2).find_first_not_of("0123456789abcdef") ==
             std::string::npos;
}

TEST_F(NoisettCliTest, VersionPrintsOneLine) {
  for (const char* flag : {"--version", "-V"}) {
    const RunResult r = Run({flag}, {}, /*json_output=*/false);
    EXPECT_EQ(r.status, 0) << flag;
    EXPECT_TRUE(r.err.empty()) << r.err;
    EXPECT_TRUE(IsVersionLine(r.out)) << flag << ": " << r.out;
  }
  EXPECT_TRUE(IsVersionLine("noisett 0.1.0\n"));
  EXPECT_TRUE(IsVersionLine("noisett 0.1.0 (2627f8cb955b)\n"));
  EXPECT_FALSE(IsVersionLine("noisett 0.1.0 (xyz)\n"));
  EXPECT_FALSE(IsVersionLine("noisett 0.1\n"));
  EXPECT_FALSE(IsVersionLine("noisett 0.1.0"));
}

TEST_F(NoisettCliTest, UsageErrorsExitWithTwo) {
  const fs::path a = Input("pic.png", testing::ToPng(testing::Textured(32, 32)));
  const std::vector<std::vector<std::string>> bad_usages = {
      {},
      {"optimize", a.string()},              // no --out
      {"optimize", "--out", out_.string()},  // no files
      Optimize({a}, {"--bogus"}),
      Optimize({a}, {"--quality", "best"}),
      Optimize({a}, {"--format", "gif"}),
      Optimize({a}, {"--max-dimension", "8"}),
      Optimize({a}, {"--thumb-size", "5000"}),
      Optimize({a}, {"--jobs", "0"}),
      Optimize({a}, {"--max-pixels", "lots"}),
  };
  for (const auto& args : bad_usages) {
    std::string joined;
    for (const auto& s : args) joined += s + " ";
    const RunResult r = Run(args, {}, /*json_output=*/false);
    EXPECT_EQ(r.status, 2) << joined << "\n" << r.err;
    EXPECT_TRUE(r.out.empty()) << joined << "\n" << r.out;
  }
  EXPECT_FALSE(fs::exists(out_ / "pic.jpg"));
}

// A mistyped command is refused before anything is opened, with the closest name when one is
// close, in command mode's error shape, exit status 2 (an unknown word gets the same).
TEST_F(NoisettCliTest, UnknownCommandSuggestsTheClosestName) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> typos = {
      {{"histroy"}, R"(no command "histroy"; did you mean "history.list"?)"},
      {{"history.lst", "{}", "--user", "alice"},
       R"(no command "history.lst"; did you mean "history.list"?)"},
      {{"optimise"}, R"(no command "optimise"; did you mean "optimize"?)"},
      {{"frobnicate"}, R"(no command "frobnicate")"},
      {{"users.set_tire", "{}", "--user", "alice"},
       R"(no command "users.set_tire"; did you mean "users.set_tier"?)"},
  };
  for (const auto& [args, message] : typos) {
    SCOPED_TRACE(args[0]);
    const RunResult r = Run(args);
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(r.err, "noisett: unknown_command: " + message + "\n");
    ASSERT_EQ(r.lines.size(), 1u) << r.out;
    EXPECT_EQ(r.lines[0], json({{"error", {{"code", "unknown_command"}, {"message", message}}}}));
  }
}

// Command mode refuses a mistyped flag and a bad setting in its one shape too, exit status 2.
TEST_F(NoisettCliTest, CommandModeUsageErrorsKeepTheShape) {
  const RunResult flag = Run({"history.list", "{}", "--user", "alice", "--bogus"});
  EXPECT_EQ(flag.status, 2);
  EXPECT_EQ(flag.err.rfind("noisett: usage: ", 0), 0u) << flag.err;
  EXPECT_NE(flag.err.find("--bogus"), std::string::npos) << flag.err;
  ASSERT_EQ(flag.lines.size(), 1u) << flag.out;
  EXPECT_EQ(flag.lines[0]["error"]["code"], "usage");
  const RunResult setting =
      Run({"history.list", "{}", "--user", "alice"}, {{"NOISETT_MAX_PIXELS", "lots"}});
  EXPECT_EQ(setting.status, 2);
  EXPECT_EQ(setting.err.rfind("noisett: bad_setting: NOISETT_MAX_PIXELS", 0), 0u) << setting.err;
  ASSERT_EQ(setting.lines.size(), 1u) << setting.out;
  EXPECT_EQ(setting.lines[0]["error"]["code"], "bad_setting");
}

// What noisett writes to stdout when stdout is a terminal (a pseudo-terminal; stderr goes to
// /dev/null), with the terminal's "\r\n" turned back into "\n". Empty when there are no ptys.
std::string StdoutOnATerminal(const std::vector<std::string>& args) {
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0) return "";
  const std::string replica_path = ::ptsname(master);
  std::vector<std::string> argv_s = {NOISETT_BIN};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int replica = ::open(replica_path.c_str(), O_RDWR | O_NOCTTY);
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(replica, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  std::string out;
  char buf[4096];
  // Reading the master ends with EIO once the child's end is closed.
  for (ssize_t n; (n = ::read(master, buf, sizeof buf)) > 0;) out.append(buf, size_t(n));
  int wstatus = 0;
  ::waitpid(pid, &wstatus, 0);
  ::close(master);
  out.erase(std::remove(out.begin(), out.end(), '\r'), out.end());
  return out;
}

// On a terminal the JSON is indented for a person; piped (every other test) it is one line.
TEST_F(NoisettCliTest, JsonIsIndentedOnATerminal) {
  const std::string shown = StdoutOnATerminal({"histroy"});
  if (shown.empty()) GTEST_SKIP() << "no pseudo-terminals here";
  EXPECT_EQ(shown,
            "{\n  \"error\": {\n    \"code\": \"unknown_command\",\n    \"message\": \"no command "
            "\\\"histroy\\\"; did you mean \\\"history.list\\\"?\"\n  }\n}\n");
  const RunResult piped = Run({"histroy"});
  EXPECT_EQ(std::count(piped.out.begin(), piped.out.end(), '\n'), 1) << piped.out;
}

TEST_F(NoisettCliTest, BadEnvironmentValueIsAUsageError) {
  const fs::path a = Input("pic.png", testing::ToPng(testing::Textured(32, 32)));
  EXPECT_EQ(Run(Optimize({a}), {{"NOISETT_MAX_PIXELS", "lots"}}).status, 2);
  EXPECT_EQ(Run(Optimize({a}), {{"NOISETT_MAX_UPLOAD_BYTES", "10X"}}).status, 2);
}

TEST_F(NoisettCliTest, UncreatableOutputDirectoryExitsWithTwo) {
  const fs::path a = Input("pic.png", testing::ToPng(testing::Textured(32, 32)));
  WriteAll(out_, "a file where the directory should be");
  const RunResult r = Run(Optimize({a}));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(out_.string()), std::string::npos) << r.err;
}

TEST_F(NoisettCliTest, ManyFilesReportProgressOnStderrWhenNotATerminal) {
  std::vector<fs::path> files;
  for (int i = 0; i < 10; ++i) {
    files.push_back(Input(std::string("p") + std::to_string(i) + ".png",
                          testing::ToPng(testing::Textured(40, 30))));
  }
  const RunResult r = Run(Optimize(files));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.lines.size(), 10u);
  EXPECT_NE(r.err.find("progress: 10/10"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace noisett::cli

namespace noisett::cli {
namespace {

// A JWT-shaped token: what an operator pastes after --token.
const std::string kToken =
    "eyJhbGciOiJSUzI1NiJ9.eyJvaWQiOiJzZWNyZXQtdXNlciJ9.c2lnbmF0dXJlLXNlY3JldA";

// `lifecycle.run` and `lifecycle.export` with a JSON input and --server are the admin commands,
// sent to the server, not the operator subcommands (which took them for stray arguments).
TEST_F(NoisettCliTest, LifecycleCommandsGoToTheServerInRemoteMode) {
  noisett::testing::LoopbackHttpServer server;
  server.SetBody("/api/commands/lifecycle.run", R"({"dry_run":true,"scanned":0})");
  server.SetBody("/api/commands/lifecycle.export", R"({"rules":[]})");
  const RunResult run = Run({"lifecycle.run", R"({"dry_run":true})", "--server", server.BaseUrl(),
                             "--token", kToken});
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(server.Hits("/api/commands/lifecycle.run"), 1) << run.err;
  EXPECT_NE(run.out.find("\"scanned\""), std::string::npos) << run.out;
  const RunResult exported =
      Run({"lifecycle.export", "{}", "--server", server.BaseUrl(), "--token", kToken});
  EXPECT_EQ(exported.status, 0) << exported.err;
  EXPECT_EQ(server.Hits("/api/commands/lifecycle.export"), 1) << exported.err;
  for (const RunResult* r : {&run, &exported}) {
    EXPECT_EQ(r->err.find(kToken), std::string::npos) << r->err;
  }
}

// A refusal reads the same whichever mode ran the command: "noisett: CODE: message" on stderr,
// the error object on stdout, the same exit status. The remote end answers what `serve` answers
// (http::ErrorResponse's body).
TEST_F(NoisettCliTest, BothModesPrintTheSameErrorShape) {
  const std::string data_dir = "--data-dir=" + (dir_ / "data").string();
  ASSERT_EQ(Run({"init", data_dir}, {}, /*json_output=*/false).status, 0);
  const std::string input = R"({"limt":5})";
  const RunResult direct = Run({"history.list", input, "--user", "alice", data_dir});
  const std::string message = R"(unknown field "limt"; did you mean "limit"?)";
  EXPECT_EQ(direct.status, 1);
  EXPECT_EQ(direct.err, "noisett: bad_input: " + message + "\n");
  const json error = {{"error", {{"code", "bad_input"}, {"message", message}}}};
  EXPECT_EQ(direct.out, error.dump() + "\n");

  noisett::testing::LoopbackHttpServer server;
  server.SetBody("/api/commands/history.list", error.dump(), 400);
  const RunResult remote =
      Run({"history.list", input, "--server", server.BaseUrl(), "--token", kToken});
  EXPECT_EQ(remote.status, direct.status);
  EXPECT_EQ(remote.err, direct.err);
  EXPECT_EQ(remote.out, direct.out);
}

// A remote failure that is not the server's error object still gets the one shape: the status
// as the code, the body (cut) as the message; 507 keeps its own exit status.
TEST_F(NoisettCliTest, RemoteFailuresWithoutAnErrorObjectKeepTheShape) {
  noisett::testing::LoopbackHttpServer server;
  server.SetBody("/api/commands/history.list", "Bad Gateway", 502, "text/plain");
  server.SetBody("/api/commands/images.list",
                 R"({"error":{"code":"insufficient_storage","message":"the store is full"}})", 507);
  const RunResult bad_gateway =
      Run({"history.list", "{}", "--server", server.BaseUrl(), "--token", kToken});
  EXPECT_EQ(bad_gateway.status, 1);
  EXPECT_EQ(bad_gateway.err, "noisett: http_502: Bad Gateway\n");
  ASSERT_EQ(bad_gateway.lines.size(), 1u) << bad_gateway.out;
  EXPECT_EQ(bad_gateway.lines[0]["error"]["code"], "http_502");
  const RunResult full =
      Run({"images.list", "{}", "--server", server.BaseUrl(), "--token", kToken});
  EXPECT_EQ(full.status, 3);
  EXPECT_EQ(full.err, "noisett: insufficient_storage: the store is full\n");
}

// A dev token refused for its key ("unknown_kid") gets the fix: which data directory's dev issuer
// signed it, when this invocation's --data-dir holds that key, and otherwise that it does not.
TEST_F(NoisettCliTest, UnknownKidNamesTheDataDirectoryOfTheKey) {
  const fs::path minted = dir_ / "minted";
  const RunResult token =
      Run({"token", "--user", "alice", "--data-dir", minted.string()}, {}, /*json_output=*/false);
  ASSERT_EQ(token.status, 0) << token.err;
  const std::string dev_token = token.out.substr(0, token.out.find('\n'));

  noisett::testing::LoopbackHttpServer server;
  server.SetBody(
      "/api/commands/history.list",
      R"({"error":{"code":"unknown_kid","message":"no key with this kid in the issuer's JWKS"}})",
      401);
  const RunResult remote = Run({"history.list", "{}", "--server", server.BaseUrl(), "--token",
                                dev_token, "--data-dir", minted.string()});
  EXPECT_EQ(remote.status, 1);
  EXPECT_EQ(remote.err.rfind("noisett: unknown_kid: no key with this kid in the issuer's JWKS; the "
                             "token was signed by the dev issuer key in " +
                                 (minted / "dev-issuer").string() + ", which the server does not",
                             0),
            0u)
      << remote.err;

  const fs::path other = dir_ / "other";
  const RunResult whoami = Run({"whoami", "--auth", "dev", "--data-dir", other.string(), "--token",
                                dev_token});
  EXPECT_EQ(whoami.status, 1);
  ASSERT_EQ(whoami.lines.size(), 1u) << whoami.out;
  EXPECT_EQ(whoami.lines[0]["error"]["reason"], "unknown_kid");
  EXPECT_NE(whoami.lines[0]["error"]["message"].get<std::string>().find(
                "its key is not the dev issuer key in " + (other / "dev-issuer").string()),
            std::string::npos)
      << whoami.out;
}

// Whatever is wrong with an invocation, the error never quotes the token back.
TEST_F(NoisettCliTest, UsageErrorsNeverPrintTheToken) {
  const std::string signature = kToken.substr(kToken.rfind('.') + 1);
  const std::vector<std::vector<std::string>> wrong = {
      {"lifecycle.run", "--dry-run", "--token", kToken, "--bogus"},
      {"lifecycle.export", "--token=" + kToken, "stray"},
      {"history.list", "{}", "{}", "--server", "http://127.0.0.1:9", "--token", kToken},
      {"history.list", "--server", "http://127.0.0.1:9", "-t" + kToken, "--nope"},
      {"history.list", "{}", "--tokn", kToken},
      {"whoami", "--token", kToken, "--bogus"},
      {"serve", "--token", kToken}};
  for (const auto& args : wrong) {
    SCOPED_TRACE(args[0] + " " + args[1]);
    const RunResult r = Run(args, {}, /*json_output=*/false, std::chrono::seconds(20));
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_FALSE(r.err.empty());
    EXPECT_EQ(r.err.find(signature), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find(signature), std::string::npos) << r.out;
  }
}

}  // namespace
}  // namespace noisett::cli
