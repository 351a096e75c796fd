// The one-statement helpers of sqlite_txn.h; the transaction runners are templates in the header.
#include "catalog/sqlite_txn.h"

namespace noisett::catalog::sqlite {

Result<bool> QueryRow(Statement& stmt, std::initializer_list<Value> values) {
  if (Status s = stmt.Bind(values); !s) return Unexpected(s.error());
  return stmt.Step();
}

Status Execute(Db& db, std::string_view sql, std::initializer_list<Value> values) {
  auto stmt = db.Prepare(sql);
  if (!stmt) return Unexpected(stmt.error());
  if (Status s = stmt->Bind(values); !s) return s;
  return stmt->Run();
}

Result<int64_t> CountRows(Db& db, std::string_view sql, std::string_view user_id) {
  auto stmt = db.Prepare(sql);
  if (!stmt) return Unexpected(stmt.error());
  auto row = QueryRow(*stmt, {user_id});
  if (!row) return Unexpected(row.error());
  return stmt->Int64(0);
}

}  // namespace noisett::catalog::sqlite
