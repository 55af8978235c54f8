#include "net/formats/tagextras.h"

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

QStringList TagExtras::labelNames() const
{
    QStringList names;
    names.reserve(labels.size());
    for (const HarborLabel &label : labels)
        names.append(label.name);
    return names;
}

bool TagExtras::isScanned() const
{
    // Only a finished scan has counts; a running or failed one reads as not scanned.
    return vulnerabilities.scanStatus.compare(u"Success"_s, Qt::CaseInsensitive) == 0;
}

QMap<QString, int> TagExtras::scannedVulnerabilities() const
{
    QMap<QString, int> counts;
    if (!isScanned())
        return counts;
    for (auto it = vulnerabilities.bySeverity.cbegin(); it != vulnerabilities.bySeverity.cend();
         ++it) {
        if (it.value() > 0)
            counts.insert(it.key(), it.value());
    }
    return counts;
}

} // namespace Berth
