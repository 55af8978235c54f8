#include "net/formats/harbortaginfo.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

// Harbor's severities, worst first (Trivy and Clair adapters use the same names).
const QStringList &severityOrder()
{
    static const QStringList order{u"Critical"_s, u"High"_s,    u"Medium"_s,
                                   u"Low"_s,      u"Unknown"_s, u"Negligible"_s};
    return order;
}

} // namespace

QString VulnerabilitySummary::text() const
{
    if (!isValid())
        return {};
    if (scanStatus != u"Success")
        return scanStatus;
    if (total <= 0 && bySeverity.isEmpty())
        return total == 0 ? QCoreApplication::translate("Berth", "none")
                          : (severity.isEmpty() ? scanStatus : severity);
    QStringList parts;
    for (const QString &level : severityOrder()) {
        const int count = bySeverity.value(level);
        if (count > 0)
            parts.append(u"%1 %2"_s.arg(count).arg(level));
    }
    const QString count = QString::number(total >= 0 ? total : 0);
    return parts.isEmpty() ? count : u"%1 (%2)"_s.arg(count, parts.join(u", "_s));
}

int VulnerabilitySummary::severityRank() const
{
    if (!isValid())
        return -1;
    const QStringList &order = severityOrder();
    for (qsizetype i = 0; i < order.size(); ++i) {
        if (bySeverity.value(order.at(i)) > 0)
            return int(order.size() - i) + 1;
    }
    if (!severity.isEmpty()) {
        const qsizetype i = order.indexOf(severity);
        if (i >= 0)
            return int(order.size() - i) + 1;
    }
    return 1; // scanned, nothing found ("None")
}

QStringList HarborTagExtras::labelNames() const
{
    QStringList names;
    names.reserve(labels.size());
    for (const HarborLabel &label : labels)
        names.append(label.name);
    return names;
}

} // namespace Berth
