// Connection strings in messages and logs, without their passwords. Every message this
// library builds that mentions a conninfo string or URI goes through redact_conninfo.
#pragma once

#include <string>
#include <string_view>

namespace uio::pg {

// The settings of a libpq conninfo string ("host=db password=s3cret") or URI
// ("postgresql://ann:s3cret@db/app?password=x") as a keyword=value string with every
// password replaced by "***": "host=db password=***". Only settings the text names are
// listed. Text libpq cannot parse comes back as "<unparsable connection string>", since we
// cannot tell where a password would be in it.
std::string redact_conninfo(std::string_view conninfo);

}  // namespace uio::pg
