#include "models/files/imagecomparison.h"

#include "models/files/imagefilesystem.h"

#include <QJsonArray>
#include <QSet>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

//! The time as the config writes it (every digit: QDateTime keeps milliseconds only); null
//! when absent.
QJsonValue timeValue(const QString &text)
{
    return text.isEmpty() ? QJsonValue() : QJsonValue(text);
}

QJsonArray historyValue(const QList<HistoryEntry> &history)
{
    QJsonArray entries;
    for (const HistoryEntry &entry : history) {
        QJsonObject object{{u"created"_s, timeValue(entry.createdText)},
                           {u"created_by"_s, entry.createdBy}};
        if (!entry.comment.isEmpty())
            object.insert(u"comment"_s, entry.comment);
        if (entry.emptyLayer)
            object.insert(u"empty_layer"_s, true);
        entries.append(object);
    }
    return entries;
}

QJsonObject labelsValue(const QMap<QString, QString> &labels)
{
    QJsonObject object;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        object.insert(it.key(), it.value());
    return object;
}

bool sameFile(const LayerEntry &a, const LayerEntry &b)
{
    if (a.type != b.type || a.size != b.size || a.mode != b.mode || a.link != b.link)
        return false;
    if (a.type == EntryType::File && a.hasContentDigest && b.hasContentDigest)
        return a.contentDigest == b.contentDigest;
    return true;
}

} // namespace

QString ConfigField::text(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return {};
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Array: {
        QStringList lines;
        for (const QJsonValue &item : value.toArray()) {
            if (item.isObject()) {
                const QJsonObject object = item.toObject();
                lines.append(object.value(u"created_by"_s).toString());
            } else {
                lines.append(item.toVariant().toString());
            }
        }
        return lines.join(u'\n');
    }
    case QJsonValue::Object: {
        QStringList lines;
        const QJsonObject object = value.toObject();
        for (auto it = object.constBegin(); it != object.constEnd(); ++it)
            lines.append(it.key() + u'=' + it.value().toVariant().toString());
        return lines.join(u'\n');
    }
    default:
        return value.toVariant().toString();
    }
}

QList<QPair<QString, QJsonValue>> ImageComparison::configFields(const ImageMetadata &image)
{
    const ImageConfig &config = image.config;
    return {
            {u"created"_s, timeValue(config.createdText)},
            {u"os"_s, config.os},
            {u"architecture"_s, config.architecture},
            {u"variant"_s, config.variant},
            {u"user"_s, config.user},
            {u"workdir"_s, config.workingDir},
            {u"env"_s, QJsonArray::fromStringList(config.env)},
            {u"entrypoint"_s, QJsonArray::fromStringList(config.entrypoint)},
            {u"cmd"_s, QJsonArray::fromStringList(config.cmd)},
            {u"labels"_s, labelsValue(config.labels)},
            {u"exposed_ports"_s, QJsonArray::fromStringList(config.exposedPorts)},
            {u"history"_s, historyValue(config.history)},
    };
}

ImageComparison ImageComparison::compare(const QString &a, const ImageMetadata &imageA,
                                         const QString &b, const ImageMetadata &imageB)
{
    ImageComparison comparison;
    comparison.a = a;
    comparison.b = b;
    const auto fieldsA = configFields(imageA);
    const auto fieldsB = configFields(imageB);
    for (qsizetype i = 0; i < fieldsA.size(); ++i)
        comparison.fields.append({fieldsA.at(i).first, fieldsA.at(i).second, fieldsB.at(i).second});

    QSet<QString> layersA;
    QSet<QString> layersB;
    for (const Descriptor &layer : imageA.layers)
        layersA.insert(layer.digest);
    for (const Descriptor &layer : imageB.layers)
        layersB.insert(layer.digest);
    QSet<QString> seen;
    for (const Descriptor &layer : imageA.layers) {
        if (seen.contains(layer.digest))
            continue;
        seen.insert(layer.digest);
        (layersB.contains(layer.digest) ? comparison.sharedLayers : comparison.onlyA)
                .append(layer.digest);
    }
    for (const Descriptor &layer : imageB.layers) {
        if (!layersA.contains(layer.digest) && !comparison.onlyB.contains(layer.digest))
            comparison.onlyB.append(layer.digest);
    }
    comparison.sizeA = qMax<qint64>(0, imageA.size);
    comparison.sizeB = qMax<qint64>(0, imageB.size);
    return comparison;
}

void ImageComparison::compareFiles(const ImageFilesystem &filesA, const ImageFilesystem &filesB)
{
    comparedFiles = true;
    added.clear();
    removed.clear();
    changed.clear();
    // Both maps are sorted: one merge walk.
    auto a = filesA.entries().cbegin();
    auto b = filesB.entries().cbegin();
    const auto endA = filesA.entries().cend();
    const auto endB = filesB.entries().cend();
    while (a != endA || b != endB) {
        if (b == endB || (a != endA && a.key() < b.key())) {
            removed.append(a.key());
            ++a;
        } else if (a == endA || b.key() < a.key()) {
            added.append(b.key());
            ++b;
        } else {
            if (!sameFile(a->entry, b->entry))
                changed.append(a.key());
            ++a;
            ++b;
        }
    }
}

QJsonObject ImageComparison::toJson() const
{
    QJsonObject config;
    for (const ConfigField &field : fields) {
        if (field.differs())
            config.insert(field.name, QJsonArray{field.a, field.b});
    }
    QJsonObject json{
            {u"a"_s, a},
            {u"b"_s, b},
            {u"config"_s, config},
            {u"layers"_s, QJsonObject{{u"shared"_s, QJsonArray::fromStringList(sharedLayers)},
                                      {u"only_a"_s, QJsonArray::fromStringList(onlyA)},
                                      {u"only_b"_s, QJsonArray::fromStringList(onlyB)}}},
            {u"size_delta"_s, sizeDelta()},
    };
    if (comparedFiles) {
        json.insert(u"files"_s, QJsonObject{{u"added"_s, QJsonArray::fromStringList(added)},
                                            {u"removed"_s, QJsonArray::fromStringList(removed)},
                                            {u"changed"_s, QJsonArray::fromStringList(changed)}});
    }
    return json;
}

} // namespace Berth
