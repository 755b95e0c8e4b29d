// Connection strings in messages and logs, without their passwords. Every message this
// project builds that mentions a conninfo string or URI goes through redact_conninfo: it is
// the only password redactor (ucopy's endpoints and --dry-run use it too).
#pragma once

#include <string>
#include <string_view>

namespace uio::pg {

// A libpq conninfo string or URI as it may be shown, every password replaced by "***".
//   - A keyword=value string libpq parses comes back as the settings it names, passwords
//     masked: "host=db password='a b'" -> "host=db password=***".
//   - A URI (postgresql:// or postgres://, any case) keeps its form, the user-info password
//     and every password= parameter masked: "postgresql://ann:***@db/app?table=t". The mask is
//     wider than libpq's reading where a reading is ambiguous (the user info runs to the last
//     '@' before the first '/'; a parameter is any key after '?' or '&' that percent-decodes
//     to "password" in any case), so it also covers URIs libpq cannot parse, such as ucopy's
//     with table=. libpq checks the result: if it still reads the original password from the
//     masked URI, the keyword form is returned instead.
//   - Anything else libpq cannot parse comes back as "<unparsable connection string>", since
//     we cannot tell where a password would be in it.
std::string redact_conninfo(std::string_view conninfo);

}  // namespace uio::pg
