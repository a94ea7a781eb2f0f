// What a user types in the filter box: parsed, turned into SQL conditions with their values,
// and matched against a summary. Never a crash; values are always bound, never spliced in.
#include "store/capturequery.h"

#include <cstdint>
#include <cstdlib>

using namespace Hookscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    QString error;
    const CaptureQuery query = CaptureQuery::parse(text, &error);
    QVariantList values;
    const QString sql = query.sqlConditions(&values);
    // The typed text reaches SQL only as bound values.
    if (sql.count(QLatin1Char('?')) != values.size() || sql.contains(QLatin1Char(';')))
        std::abort();
    CaptureSummary summary;
    summary.method = "POST";
    summary.target = "/webhooks/stripe";
    summary.responseStatus = 200;
    query.matchesFields(summary);
    return 0;
}
