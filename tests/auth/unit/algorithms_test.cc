// The algorithm allow-list: only RS256, PS256 and ES256 exist, so none/HS*/others cannot be chosen.
#include "auth/algorithms.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace noisett::auth {
namespace {

TEST(AlgorithmsTest, NamesRoundTrip) {
  for (Alg alg : {Alg::kRS256, Alg::kPS256, Alg::kES256}) {
    const auto parsed = ParseAlg(AlgName(alg));
    ASSERT_TRUE(parsed.has_value()) << AlgName(alg);
    EXPECT_EQ(*parsed, alg);
  }
  EXPECT_EQ(AlgName(Alg::kRS256), "RS256");
  EXPECT_EQ(AlgName(Alg::kPS256), "PS256");
  EXPECT_EQ(AlgName(Alg::kES256), "ES256");
}

TEST(AlgorithmsTest, ParseAlgKnowsNothingElse) {
  for (const char* name : {"none", "None", "NONE", "HS256", "HS384", "HS512", "RS384", "RS512",
                           "PS384", "ES384", "ES512", "EdDSA", "ES256K", "", "RS256 ", " RS256",
                           "rs256", "RS2560"}) {
    EXPECT_FALSE(ParseAlg(name).has_value()) << "'" << name << "'";
  }
  EXPECT_FALSE(ParseAlg(std::string_view("RS256\0", 6)).has_value());
}

void ExpectListRefused(std::string_view list) {
  const auto algs = ParseAlgList(list);
  ASSERT_FALSE(algs) << "'" << list << "' gave " << algs->size() << " algorithms";
  EXPECT_EQ(algs.error().code, ErrorCode::kInvalidArgument) << list;
  EXPECT_FALSE(algs.error().message.empty()) << list;
}

TEST(AlgorithmsTest, ParseAlgListAcceptsKnownNamesWithSpaces) {
  const auto algs = ParseAlgList("RS256, ES256");
  ASSERT_TRUE(algs) << algs.error().ToString();
  EXPECT_EQ(*algs, (std::vector<Alg>{Alg::kRS256, Alg::kES256}));

  const auto all = ParseAlgList("RS256,PS256,ES256");
  ASSERT_TRUE(all) << all.error().ToString();
  EXPECT_EQ(*all, (std::vector<Alg>{Alg::kRS256, Alg::kPS256, Alg::kES256}));

  const auto one = ParseAlgList("PS256");
  ASSERT_TRUE(one) << one.error().ToString();
  EXPECT_EQ(*one, std::vector<Alg>{Alg::kPS256});
}

TEST(AlgorithmsTest, ParseAlgListRefusesUnsafeOrUnknownNames) {
  ExpectListRefused("none");
  ExpectListRefused("HS256");
  ExpectListRefused("RS384");
  ExpectListRefused("");
  ExpectListRefused(" , ");
  // One bad name spoils the list: silently dropping it would hide a typo in the configuration.
  ExpectListRefused("RS256,none");
  ExpectListRefused("RS256, HS256");
  ExpectListRefused("ES256,RS385");
}

TEST(AlgorithmsTest, ParseAlgListErrorNamesTheCulprit) {
  const auto algs = ParseAlgList("RS256,HS256");
  ASSERT_FALSE(algs);
  EXPECT_NE(algs.error().message.find("HS256"), std::string::npos) << algs.error().message;
}

}  // namespace
}  // namespace noisett::auth
