// AzureConfig parsing: azure:// URLs, connection strings (Azurite's UseDevelopmentStorage and
// BlobEndpoint), the precedence of ResolveAzureConfig, and the endpoint predicates that decide
// Shared Key's canonical path and SAS protocols.
#include "storage/azure/azure_config.h"

#include <gtest/gtest.h>

namespace noisett::storage::azure {
namespace {

constexpr char kDevKey[] =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

TEST(AzureStoreUrlTest, AccountAndContainer) {
  auto config = ParseAzureStoreUrl("azure://mystorageacct/images");
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->account, "mystorageacct");
  EXPECT_EQ(config->container, "images");
  EXPECT_EQ(config->endpoint, "https://mystorageacct.blob.core.windows.net");
  EXPECT_TRUE(config->account_key.empty());
  EXPECT_FALSE(config->path_style());
  EXPECT_FALSE(config->loopback());
}

TEST(AzureStoreUrlTest, ContainerDefaultsWhenAbsent) {
  for (const char* url : {"azure://acct123", "azure://acct123/"}) {
    auto config = ParseAzureStoreUrl(url);
    ASSERT_TRUE(config) << url;
    EXPECT_EQ(config->container, "noisett-storage") << url;
  }
}

TEST(AzureStoreUrlTest, RefusesBadNames) {
  for (const char* url :
       {"s3://acct/images", "azure://", "azure://ab/images", "azure://UpperCase/images",
        "azure://acct_name/images", "azure://a234567890123456789012345/c0c",  // 25 chars
        "azure://acct/Images", "azure://acct/ab", "azure://acct/-images", "azure://acct/images-",
        "azure://acct/im--ages", "azure://acct/images/extra", "azure://acct/ima ges"}) {
    auto config = ParseAzureStoreUrl(url);
    ASSERT_FALSE(config) << url;
    EXPECT_EQ(config.error().code, ErrorCode::kInvalidArgument) << url;
    EXPECT_EQ(config.error().reason, "bad_store_url") << url;
  }
}

TEST(ConnectionStringTest, FullAzureForm) {
  auto config = ParseConnectionString(
      "DefaultEndpointsProtocol=https;AccountName=prodacct;AccountKey=" + std::string(kDevKey) +
      ";EndpointSuffix=core.chinacloudapi.cn");
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->account, "prodacct");
  EXPECT_EQ(config->account_key, kDevKey);  // the '=' padding inside the value survives
  EXPECT_EQ(config->endpoint, "https://prodacct.blob.core.chinacloudapi.cn");
}

TEST(ConnectionStringTest, DevelopmentStorage) {
  auto config = ParseConnectionString("UseDevelopmentStorage=true");
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->account, "devstoreaccount1");
  EXPECT_EQ(config->account_key, kDevKey);
  EXPECT_EQ(config->endpoint, "http://127.0.0.1:10000/devstoreaccount1");
  EXPECT_TRUE(config->path_style());
  EXPECT_TRUE(config->loopback());
}

TEST(ConnectionStringTest, BlobEndpointOverridesAndNamesTheAccount) {
  // Azurite's documented HTTPS connection string (names in any case, spaces, a trailing ';').
  auto config = ParseConnectionString(
      " defaultendpointsprotocol=https; AccountName=devstoreaccount1;AccountKey=" +
      std::string(kDevKey) + ";BlobEndpoint=https://127.0.0.1:10443/devstoreaccount1/;");
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->endpoint, "https://127.0.0.1:10443/devstoreaccount1");
  EXPECT_TRUE(config->path_style());
  EXPECT_TRUE(config->loopback());

  // Without AccountName the account comes from the endpoint: its path, or its host's first label.
  config = ParseConnectionString("BlobEndpoint=http://localhost:10000/devstoreaccount1");
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->account, "devstoreaccount1");
  config = ParseConnectionString("BlobEndpoint=https://hostacct.blob.core.windows.net");
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->account, "hostacct");
  EXPECT_FALSE(config->path_style());
}

TEST(ConnectionStringTest, RefusesBadInput) {
  for (const std::string text :
       {"", "AccountName", "=x", "AccountName=acct;AccountName=acct",
        "AccountName=acct;AccountKey=not base64!",
        "AccountName=acct;SharedAccessSignature=sv=2020&sig=abc",
        "DefaultEndpointsProtocol=http;AccountName=acct",  // plain http to Azure
        "AccountName=acct;BlobEndpoint=http://acct.blob.core.windows.net",
        "AccountName=acct;BlobEndpoint=ftp://127.0.0.1/acct",
        "AccountName=acct;BlobEndpoint=https://user@127.0.0.1/acct",
        "AccountName=acct;BlobEndpoint=https://127.0.0.1:10000/acct?x=1",
        "AccountName=acct;BlobEndpoint=http://127.0.0.1:10000/otheracct",  // path names another
        "AccountName=Bad_Name"}) {
    auto config = ParseConnectionString(text);
    ASSERT_FALSE(config) << text;
    EXPECT_EQ(config.error().reason, "bad_connection_string") << text;
  }
}

TEST(ConnectionStringTest, ErrorsNeverEchoTheKey) {
  auto config = ParseConnectionString("AccountName=x;AccountKey=" + std::string(kDevKey));
  ASSERT_FALSE(config);  // the account name is too short
  EXPECT_EQ(config.error().message.find("Eby8vd"), std::string::npos);
}

TEST(ResolveAzureConfigTest, StoreUrlAlone) {
  AzureSettings settings;
  settings.store_url = "azure://prodacct/images";
  auto config = ResolveAzureConfig(settings);
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->account, "prodacct");
  EXPECT_EQ(config->container, "images");
  EXPECT_EQ(config->endpoint, "https://prodacct.blob.core.windows.net");
}

TEST(ResolveAzureConfigTest, AccountAndContainerVariables) {
  AzureSettings settings;
  settings.account = "prodacct";
  settings.container = "photos";
  auto config = ResolveAzureConfig(settings);
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->container, "photos");
  settings.container.clear();
  config = ResolveAzureConfig(settings);
  ASSERT_TRUE(config);
  EXPECT_EQ(config->container, "noisett-storage");
}

TEST(ResolveAzureConfigTest, ConnectionStringThenStoreUrlThenOverrides) {
  AzureSettings settings;
  settings.connection_string = "UseDevelopmentStorage=true";
  settings.store_url = "azure://devstoreaccount1/images";
  settings.endpoint = "https://127.0.0.1:10443";  // a bare IP host: the account is appended
  settings.ca_file = "/tmp/azurite.pem";
  auto config = ResolveAzureConfig(settings);
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->account, "devstoreaccount1");
  EXPECT_EQ(config->container, "images");
  EXPECT_EQ(config->endpoint, "https://127.0.0.1:10443/devstoreaccount1");
  EXPECT_EQ(config->account_key, kDevKey);
  EXPECT_EQ(config->ca_file, "/tmp/azurite.pem");

  // The store URL's container wins over AZURE_STORAGE_CONTAINER; AZURE_STORAGE_KEY over the
  // connection string's key.
  settings.container = "other";
  settings.account_key = "AAAA";
  config = ResolveAzureConfig(settings);
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->container, "images");
  EXPECT_EQ(config->account_key, "AAAA");
}

TEST(ResolveAzureConfigTest, EndpointAloneNamesTheAccount) {
  AzureSettings settings;
  settings.endpoint = "http://127.0.0.1:10000/devstoreaccount1/";
  settings.account_key = kDevKey;
  auto config = ResolveAzureConfig(settings);
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->account, "devstoreaccount1");
  EXPECT_EQ(config->endpoint, "http://127.0.0.1:10000/devstoreaccount1");
}

TEST(ResolveAzureConfigTest, ConflictsAndGapsNameTheSetting) {
  struct Case {
    AzureSettings settings;
    const char* reason;
    const char* names;
  };
  AzureSettings conflict_url;
  conflict_url.store_url = "azure://acctone/images";
  conflict_url.account = "accttwo";
  AzureSettings conflict_cs;
  conflict_cs.connection_string = "UseDevelopmentStorage=true";
  conflict_cs.store_url = "azure://prodacct/images";
  AzureSettings bad_key;
  bad_key.store_url = "azure://prodacct/images";
  bad_key.account_key = "%%%";
  AzureSettings bad_endpoint;
  bad_endpoint.store_url = "azure://prodacct/images";
  bad_endpoint.endpoint = "http://prodacct.example.com";
  AzureSettings bad_container;
  bad_container.account = "prodacct";
  bad_container.container = "No_Such";
  const Case cases[] = {
      {{}, "no_account", "NOISETT_STORE"},
      {conflict_url, "bad_account", "AZURE_STORAGE_ACCOUNT"},
      {conflict_cs, "bad_account", "connection string"},
      {bad_key, "bad_account_key", "AZURE_STORAGE_KEY"},
      {bad_endpoint, "bad_endpoint", "AZURE_STORAGE_BLOB_ENDPOINT"},
      {bad_container, "bad_container", "No_Such"},
  };
  for (const Case& c : cases) {
    auto config = ResolveAzureConfig(c.settings);
    ASSERT_FALSE(config) << c.reason;
    EXPECT_EQ(config.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(config.error().reason, c.reason);
    EXPECT_NE(config.error().message.find(c.names), std::string::npos) << config.error().message;
  }
}

TEST(AzureConfigTest, LoopbackAndPathStyle) {
  AzureConfig config;
  const struct {
    const char* endpoint;
    bool loopback;
    bool path_style;
  } cases[] = {
      {"http://127.0.0.1:10000/devstoreaccount1", true, true},
      {"https://127.8.9.10/devstoreaccount1", true, true},
      {"http://localhost:10000/devstoreaccount1", true, true},
      {"http://[::1]:10000/devstoreaccount1", true, true},
      {"https://10.0.0.5/acct", false, true},
      {"https://acct.blob.core.windows.net", false, false},
      {"https://127.0.0.1.nip.io", false, false},  // a name that merely starts like loopback
      {"https://localhost.example.com", false, false},
  };
  for (const auto& c : cases) {
    config.endpoint = c.endpoint;
    EXPECT_EQ(config.loopback(), c.loopback) << c.endpoint;
    EXPECT_EQ(config.path_style(), c.path_style) << c.endpoint;
  }
}

}  // namespace
}  // namespace noisett::storage::azure
