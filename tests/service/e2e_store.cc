// The store-dependent parts of the end-to-end fixture.
#include "service/e2e_store.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string_view>

#include "core/clock.h"
#include "core/text.h"
#include "storage/azure/azure_blob_store.h"
#include "storage/azure/azure_client.h"
#include "support/azurite.h"
#include "support/subprocess.h"

namespace noisett::service_e2e {

bool OnAzure() {
  static const bool on_azure = [] {
    const char* store = std::getenv("NOISETT_TEST_E2E_STORE");
    return store != nullptr && std::string_view(store) == "azure";
  }();
  return on_azure;
}

namespace {

// curl -i output: "HTTP/1.1 200 OK\r\nName: value\r\n...\r\n\r\nbody".
RawResponse ParseCurlOutput(const std::string& out) {
  RawResponse r;
  const size_t head_end = out.find("\r\n\r\n");
  if (head_end == std::string::npos) return r;
  const std::string head = out.substr(0, head_end);
  r.body = out.substr(head_end + 4);
  size_t line_end = head.find("\r\n");
  const std::string status_line = head.substr(0, line_end);
  const size_t sp = status_line.find(' ');
  if (sp != std::string::npos) r.status = std::atoi(status_line.c_str() + sp + 1);
  while (line_end != std::string::npos) {
    const size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    const std::string line = head.substr(start, line_end - start);
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string name = AsciiLowercase(line.substr(0, colon));
    size_t value_start = line.find_first_not_of(' ', colon + 1);
    r.headers[name] = value_start == std::string::npos ? "" : line.substr(value_start);
  }
  return r;
}


storage::azure::AzureConfig Config() {
  const auto& azurite = noisett::testing::Azurite();
  storage::azure::AzureConfig config;
  config.account = azurite.account;
  config.container = E2eContainer();
  config.endpoint = azurite.endpoint;
  config.account_key = azurite.key;
  config.ca_file = azurite.ca_file;
  return config;
}

storage::azure::AzureBlobStore& Store() {
  static std::unique_ptr<storage::azure::AzureClient> client = [] {
    auto c = storage::azure::AzureClient::Create(Config(), nullptr, SystemClock::Instance());
    if (!c) ADD_FAILURE() << c.error().ToString();
    return c ? std::move(*c) : nullptr;
  }();
  static storage::azure::AzureBlobStore store(*client);
  return store;
}

}  // namespace

const std::string& E2eContainer() {
  static const std::string container =
      OnAzure() ? noisett::testing::UniqueContainerName("e2e") : std::string("noisett-storage");
  return container;
}

std::vector<std::string> StoreFlags(bool with_key) {
  if (!OnAzure()) return {};
  const auto& azurite = noisett::testing::Azurite();
  EXPECT_TRUE(azurite.ok()) << azurite.error;
  std::vector<std::string> flags = {"--store", "azure://" + azurite.account + "/" + E2eContainer(),
                                    "--azure-endpoint", azurite.endpoint,
                                    "--azure-ca-file", azurite.ca_file};
  if (with_key) flags.insert(flags.end(), {"--azure-key", azurite.key});
  return flags;
}

RawResponse FetchFromAzurite(const std::string& url,
                             const std::vector<std::pair<std::string, std::string>>& headers,
                             const std::string& method) {
  std::vector<std::string> argv = {"/usr/bin/curl", "-sS", "-i", "--cacert",
                                   noisett::testing::Azurite().ca_file};
  if (method == "HEAD") {
    argv.push_back("-I");
  } else {
    argv.insert(argv.end(), {"-X", method});
  }
  for (const auto& [name, value] : headers) argv.insert(argv.end(), {"-H", name + ": " + value});
  argv.push_back(url);
  const auto r = noisett::testing::RunProcess(argv);
  EXPECT_EQ(r.status, 0) << "curl " << url << ": " << r.err;
  return ParseCurlOutput(r.out);
}

std::string AzuriteBlob(const std::string& name) {
  auto data = Store().Get(name);
  EXPECT_TRUE(data.has_value()) << name << ": " << (data ? "" : data.error().ToString());
  return data ? data->bytes : "";
}

std::map<std::string, uint64_t> AzuriteBlobSizes(const std::string& name_prefix) {
  std::map<std::string, uint64_t> sizes;
  storage::ListOptions options;
  options.prefix = "generated/";
  do {
    auto page = Store().List(options);
    EXPECT_TRUE(page.has_value()) << (page ? "" : page.error().ToString());
    if (!page) break;
    for (const auto& item : page->items) {
      const std::string last = item.name.substr(item.name.rfind('/') + 1);
      if (last.rfind(name_prefix, 0) == 0) sizes[item.name] = item.size;
    }
    options.continuation = page->continuation;
  } while (!options.continuation.empty());
  return sizes;
}

std::string AzuriteContainerPath() {
  return "/" + noisett::testing::Azurite().account + "/" + E2eContainer() + "/";
}

}  // namespace noisett::service_e2e
