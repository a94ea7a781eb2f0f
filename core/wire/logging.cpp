#include "logging.h"

Q_LOGGING_CATEGORY(lcStore, "hookscope.store", QtWarningMsg)
Q_LOGGING_CATEGORY(lcReceiver, "hookscope.receiver", QtWarningMsg)
Q_LOGGING_CATEGORY(lcDelivery, "hookscope.delivery", QtWarningMsg)
Q_LOGGING_CATEGORY(lcSigning, "hookscope.signing", QtWarningMsg)
Q_LOGGING_CATEGORY(lcSecrets, "hookscope.secrets", QtWarningMsg)
Q_LOGGING_CATEGORY(lcSession, "hookscope.session", QtWarningMsg)
