#include "models/session/offlinetext.h"

#include "models/session/reconnector.h"

#include <QCoreApplication>
#include <QLocale>

#include <algorithm>

namespace Berth {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Berth::OfflineText", text);
}

//! "1 hour ago" / "3 hours ago": English plurals written out (no translation is loaded, and
//! "3 hour(s) ago" reads badly in a status line); translations may use other forms.
QString countAgo(qint64 n, const char *one, const char *many)
{
    return n == 1 ? tr(one) : tr(many).arg(n);
}

} // namespace

QString ageText(const QDateTime &then, const QDateTime &now)
{
    if (!then.isValid())
        return {};
    const qint64 seconds = std::max<qint64>(0, then.secsTo(now));
    constexpr qint64 Minute = 60;
    constexpr qint64 Hour = 60 * Minute;
    constexpr qint64 Day = 24 * Hour;
    if (seconds < Minute)
        return tr("just now");
    if (seconds < Hour)
        return countAgo(seconds / Minute, "1 minute ago", "%1 minutes ago");
    if (seconds < Day)
        return countAgo(seconds / Hour, "1 hour ago", "%1 hours ago");
    if (seconds < 30 * Day)
        return countAgo(seconds / Day, "1 day ago", "%1 days ago");
    return tr("on %1").arg(QLocale().toString(then.toLocalTime().date(), QLocale::ShortFormat));
}

QString unreachableReason(const Error &error)
{
    const QString message = error.message.trimmed();
    const qsizetype colon = message.lastIndexOf(u": ");
    const QString cause = colon >= 0 ? message.mid(colon + 2).trimmed() : message;
    return cause.isEmpty() ? errorCodeName(error.code) : cause;
}

QString retryText(const Reconnector *reconnector)
{
    if (!reconnector || !reconnector->isActive())
        return {};
    const qint64 remaining = reconnector->remainingMs();
    if (reconnector->isAttempting() || remaining <= 0)
        return tr("Retrying now …");
    // Rounded up: "in 0 s" while still waiting would read as stuck.
    return tr("Retrying in %1 s").arg((remaining + 999) / 1000);
}

} // namespace Berth
