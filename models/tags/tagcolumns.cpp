#include "models/tags/tagcolumns.h"

#include "models/tags/tagtablemodel.h"

#include <QLocale>

using namespace Qt::StringLiterals;

namespace Berth::TagColumns {

QString placeholder()
{
    static const QString text = QStringLiteral("\u2026"); // …
    return text;
}

QVariant harborData(const TagExtras *extras, int column, int role)
{
    if (role == Qt::DisplayRole)
        return harborDisplayData(extras, column);
    if (role == TagTableModel::SortRole)
        return harborSortData(extras, column);
    // Tooltips.
    if (!extras)
        return {};
    if (column == TagTableModel::LabelsColumn) {
        QStringList lines;
        for (const HarborLabel &label : extras->labels) {
            lines.append(label.description.isEmpty() ? label.name
                                                     : label.name + u": "_s + label.description);
        }
        return lines.join(u'\n');
    }
    if (column == TagTableModel::VulnerabilitiesColumn && extras->vulnerabilities.isValid()
        && extras->vulnerabilities.fixable >= 0) {
        return TagTableModel::tr("%1 fixable").arg(extras->vulnerabilities.fixable);
    }
    return {};
}

QVariant harborDisplayData(const TagExtras *extras, int column)
{
    if (!extras)
        return placeholder();
    const QLocale locale;
    switch (column) {
    case TagTableModel::PushedColumn:
        return extras->pushed.isValid()
                       ? locale.toString(extras->pushed.toLocalTime(), QLocale::ShortFormat)
                       : QString();
    case TagTableModel::PulledColumn:
        return extras->pulled.isValid()
                       ? locale.toString(extras->pulled.toLocalTime(), QLocale::ShortFormat)
                       : TagTableModel::tr("never");
    case TagTableModel::LabelsColumn:
        return extras->labelNames().join(u", "_s);
    case TagTableModel::VulnerabilitiesColumn:
        return extras->vulnerabilities.isValid() ? extras->vulnerabilities.text()
                                                 : TagTableModel::tr("not scanned");
    case TagTableModel::ImmutableColumn:
        return extras->immutable ? TagTableModel::tr("immutable") : QString();
    default:
        return {};
    }
}

QVariant harborSortData(const TagExtras *extras, int column)
{
    switch (column) {
    case TagTableModel::PushedColumn:
        return extras && extras->pushed.isValid() ? extras->pushed.toMSecsSinceEpoch() : qint64(-1);
    case TagTableModel::PulledColumn:
        return extras && extras->pulled.isValid() ? extras->pulled.toMSecsSinceEpoch() : qint64(-1);
    case TagTableModel::LabelsColumn:
        return extras ? extras->labelNames().join(u", "_s) : QString();
    case TagTableModel::VulnerabilitiesColumn:
        // Worst severity first, then the count: a raw number that orders "worse" higher.
        return extras ? qint64(extras->vulnerabilities.severityRank()) * 1000000
                                + std::max(0, extras->vulnerabilities.total)
                      : qint64(-2000000);
    case TagTableModel::ImmutableColumn:
        return extras && extras->immutable ? 1 : 0;
    default:
        return {};
    }
}

QVariant headerData(int section, int role)
{
    if (role == Qt::InitialSortOrderRole) {
        // The first click on a time or size header shows the newest / largest first: what a
        // person sorting by those looks for (and on Harbor one server page answers it).
        switch (section) {
        case TagTableModel::SizeColumn:
        case TagTableModel::CreatedColumn:
        case TagTableModel::PushedColumn:
        case TagTableModel::PulledColumn:
            return int(Qt::DescendingOrder);
        default:
            return int(Qt::AscendingOrder);
        }
    }
    if (role == Qt::DisplayRole) {
        switch (section) {
        case TagTableModel::TagColumn:
            return TagTableModel::tr("Tag");
        case TagTableModel::DigestColumn:
            return TagTableModel::tr("Digest");
        case TagTableModel::SizeColumn:
            return TagTableModel::tr("Size");
        case TagTableModel::CreatedColumn:
            return TagTableModel::tr("Created");
        case TagTableModel::PlatformsColumn:
            return TagTableModel::tr("Platforms");
        case TagTableModel::KindColumn:
            return TagTableModel::tr("Kind");
        case TagTableModel::SharedColumn:
            return TagTableModel::tr("Shared");
        case TagTableModel::PushedColumn:
            return TagTableModel::tr("Pushed");
        case TagTableModel::PulledColumn:
            return TagTableModel::tr("Pulled");
        case TagTableModel::LabelsColumn:
            return TagTableModel::tr("Labels");
        case TagTableModel::VulnerabilitiesColumn:
            return TagTableModel::tr("Vulnerabilities");
        case TagTableModel::ImmutableColumn:
            return TagTableModel::tr("Immutable");
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case TagTableModel::SizeColumn:
            return TagTableModel::tr(
                    "Compressed size as stored in the registry: config plus layers. For a "
                    "multi-platform index, the sum over its platform images (attestations not "
                    "counted). Layers shared between images are counted in each.");
        case TagTableModel::DigestColumn:
            return TagTableModel::tr(
                    "Manifest digest (the first 12 hex digits; the full digest in the tooltip).");
        case TagTableModel::CreatedColumn:
            return TagTableModel::tr(
                    "Creation time from the image config, in local time. For an index, the "
                    "newest of its platform images.");
        case TagTableModel::SharedColumn:
            return TagTableModel::tr("How many of the loaded tags point at the same digest.");
        case TagTableModel::KindColumn:
            return TagTableModel::tr(
                    "image, index (multi-platform), attestation, signature, chart or artifact");
        case TagTableModel::PushedColumn:
            return TagTableModel::tr("When the tag was last pushed (Harbor), in local time.");
        case TagTableModel::PulledColumn:
            return TagTableModel::tr(
                    "When the tag was last pulled (Harbor); \"never\" if it never was.");
        case TagTableModel::LabelsColumn:
            return TagTableModel::tr("Harbor labels of the artifact.");
        case TagTableModel::VulnerabilitiesColumn:
            return TagTableModel::tr("Harbor's scan summary: vulnerabilities found, by severity.");
        case TagTableModel::ImmutableColumn:
            return TagTableModel::tr(
                    "Protected by a Harbor immutability rule: cannot be deleted or moved.");
        }
    }
    if (role == Qt::TextAlignmentRole
        && (section == TagTableModel::SizeColumn || section == TagTableModel::SharedColumn))
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

} // namespace Berth::TagColumns
