#pragma once

#include <QLoggingCategory>

// One category per part. A failure no one is shown is a warning, printed by default; one a
// front end shows (a message, the status bar) is logged as info too, printed when asked for:
// QT_LOGGING_RULES="hookscope.*.info=true".
Q_DECLARE_LOGGING_CATEGORY(lcStore)    // hookscope.store
Q_DECLARE_LOGGING_CATEGORY(lcReceiver) // hookscope.receiver
Q_DECLARE_LOGGING_CATEGORY(lcDelivery) // hookscope.delivery
Q_DECLARE_LOGGING_CATEGORY(lcSigning)  // hookscope.signing
Q_DECLARE_LOGGING_CATEGORY(lcSecrets)  // hookscope.secrets
Q_DECLARE_LOGGING_CATEGORY(lcSession)  // hookscope.session
