// End-to-end tests of the `noisett` executable: each test runs the built binary as a child
// process on files in a fresh temporary directory and checks its exit status, its stdout JSON
// lines, its stderr and the files it wrote. Help, version and error messages:
// noisett_cli_messages_test.cc.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "cli/cli_process_fixture.h"
#include "image/test_images.h"
#include "support/loopback_http_server.h"

namespace noisett::cli::process_test {
namespace {

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

TEST_F(NoisettCliTest, OptimizeHelpMentionsEveryOptionAndVariable) {
  const RunResult r = Run({"optimize", "--help"}, {}, /*json_output=*/false);
  EXPECT_EQ(r.status, 0);
  ExpectHelpMentionsEverything(r.out);
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
}  // namespace noisett::cli::process_test

namespace noisett::cli::process_test {
namespace {

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
}  // namespace noisett::cli::process_test
