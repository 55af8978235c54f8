#pragma once

// Helpers shared by the report and command-line tests: an RFC 4180 reader, a validator for the
// subset of JSON Schema (draft 2020-12) that docs/report-schema.json uses, and the values a
// correct report shows for a seeded image.

#include "imagebuilder.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStringList>

namespace Berth::Test {

//! Parses RFC 4180 CSV: CRLF (or LF) record ends, quoted fields with doubled quotes and line
//! breaks inside. Sets *error (and returns what it read) on a malformed quote.
inline QList<QStringList> parseCsv(const QString &text, QString *error = nullptr)
{
    QList<QStringList> records;
    QStringList record;
    QString field;
    bool quoted = false;
    bool fieldStarted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (quoted) {
            if (c == u'"') {
                if (i + 1 < text.size() && text.at(i + 1) == u'"') {
                    field += u'"';
                    ++i;
                } else {
                    quoted = false;
                    if (i + 1 < text.size() && text.at(i + 1) != u',' && text.at(i + 1) != u'\r'
                        && text.at(i + 1) != u'\n' && error)
                        *error = QStringLiteral("text after a closing quote at %1").arg(i);
                }
            } else {
                field += c;
            }
            continue;
        }
        if (c == u'"' && !fieldStarted && field.isEmpty()) {
            quoted = true;
            fieldStarted = true;
        } else if (c == u',') {
            record.append(field);
            field.clear();
            fieldStarted = false;
        } else if (c == u'\r' || c == u'\n') {
            if (c == u'\r' && i + 1 < text.size() && text.at(i + 1) == u'\n')
                ++i;
            record.append(field);
            records.append(record);
            record.clear();
            field.clear();
            fieldStarted = false;
        } else {
            if (c == u'"' && error)
                *error = QStringLiteral("quote inside an unquoted field at %1").arg(i);
            field += c;
            fieldStarted = true;
        }
    }
    if (quoted && error)
        *error = QStringLiteral("unterminated quoted field");
    if (!field.isEmpty() || !record.isEmpty()) {
        record.append(field);
        records.append(record);
    }
    return records;
}

//! Validates value against schema for the keywords docs/report-schema.json uses: $ref (local
//! "#/$defs/..."), type (a name or a list; "integer" = a number without fraction), enum,
//! required, properties, additionalProperties (false or a schema), items, minimum, minLength,
//! pattern. Unknown keywords ($schema, $id, title, description) are ignored. Returns the
//! problems found, each with its JSON path.
class MiniSchemaValidator
{
public:
    explicit MiniSchemaValidator(QJsonObject root)
        : m_root(std::move(root))
    {}

    QStringList validate(const QJsonValue &value) const
    {
        QStringList errors;
        check(value, m_root, QStringLiteral("$"), errors);
        return errors;
    }

private:
    static bool hasType(const QJsonValue &value, const QString &type)
    {
        if (type == u"null")
            return value.isNull();
        if (type == u"boolean")
            return value.isBool();
        if (type == u"object")
            return value.isObject();
        if (type == u"array")
            return value.isArray();
        if (type == u"string")
            return value.isString();
        if (type == u"number")
            return value.isDouble();
        if (type == u"integer")
            return value.isDouble() && value.toDouble() == double(qint64(value.toDouble()));
        return false;
    }

    void check(const QJsonValue &value, const QJsonObject &schema, const QString &path,
               QStringList &errors) const
    {
        if (schema.contains(u"$ref")) {
            const QString ref = schema.value(u"$ref").toString();
            const QString prefix = QStringLiteral("#/$defs/");
            if (!ref.startsWith(prefix)) {
                errors.append(path + QStringLiteral(": unsupported $ref ") + ref);
                return;
            }
            const QJsonObject target
                    = m_root.value(u"$defs").toObject().value(ref.mid(prefix.size())).toObject();
            if (target.isEmpty())
                errors.append(path + QStringLiteral(": unknown $ref ") + ref);
            check(value, target, path, errors);
        }
        if (schema.contains(u"type")) {
            const QJsonValue type = schema.value(u"type");
            QStringList types;
            if (type.isArray()) {
                for (const QJsonValue &t : type.toArray())
                    types.append(t.toString());
            } else {
                types.append(type.toString());
            }
            bool ok = false;
            for (const QString &t : std::as_const(types))
                ok = ok || hasType(value, t);
            if (!ok) {
                errors.append(path + QStringLiteral(": not of type ") + types.join(u'|'));
                return;
            }
        }
        if (schema.contains(u"enum") && !schema.value(u"enum").toArray().contains(value))
            errors.append(path + QStringLiteral(": not one of the enum values"));
        if (value.isString()) {
            const QString text = value.toString();
            if (schema.contains(u"minLength") && text.size() < schema.value(u"minLength").toInt())
                errors.append(path + QStringLiteral(": shorter than minLength"));
            if (schema.contains(u"pattern")) {
                const QRegularExpression pattern(schema.value(u"pattern").toString());
                if (!pattern.match(text).hasMatch())
                    errors.append(path
                                  + QStringLiteral(": \"%1\" does not match %2")
                                            .arg(text, pattern.pattern()));
            }
        }
        if (value.isDouble() && schema.contains(u"minimum")
            && value.toDouble() < schema.value(u"minimum").toDouble())
            errors.append(path + QStringLiteral(": below minimum"));
        if (value.isArray() && schema.contains(u"items")) {
            const QJsonArray array = value.toArray();
            for (qsizetype i = 0; i < array.size(); ++i)
                check(array.at(i), schema.value(u"items").toObject(),
                      path + u'[' + QString::number(i) + u']', errors);
        }
        if (value.isObject()) {
            const QJsonObject object = value.toObject();
            for (const QJsonValue &name : schema.value(u"required").toArray()) {
                if (!object.contains(name.toString()))
                    errors.append(path + QStringLiteral(": missing ") + name.toString());
            }
            const QJsonObject properties = schema.value(u"properties").toObject();
            const QJsonValue additional = schema.value(u"additionalProperties");
            for (auto it = object.begin(); it != object.end(); ++it) {
                const QString childPath = path + u'.' + it.key();
                if (properties.contains(it.key()))
                    check(it.value(), properties.value(it.key()).toObject(), childPath, errors);
                else if (additional.isBool() && !additional.toBool())
                    errors.append(path + QStringLiteral(": unexpected property ") + it.key());
                else if (additional.isObject())
                    check(it.value(), additional.toObject(), childPath, errors);
            }
        }
    }

    QJsonObject m_root;
};

inline QJsonObject loadReportSchema()
{
    QFile file(QStringLiteral(BERTH_SOURCE_DIR "/docs/report-schema.json"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

//! "os/arch[/variant]" of each real platform (attestations never), as the report lists them.
inline QStringList expectedPlatforms(const SeededImage &image)
{
    QStringList names;
    for (const SeededPlatform &platform : image.platforms) {
        if (!platform.os.isEmpty() && !names.contains(platform.platform()))
            names.append(platform.platform());
    }
    return names;
}

//! The creation time a client must report: the config's, else (Helm charts) the manifest's
//! org.opencontainers.image.created annotation as pushed.
inline QDateTime expectedCreated(const SeededImage &image)
{
    if (image.created.isValid())
        return image.created;
    const QString annotation
            = image.annotations.value(QStringLiteral("org.opencontainers.image.created"));
    return annotation.isEmpty() ? QDateTime() : QDateTime::fromString(annotation, Qt::ISODate);
}

//! ISO-8601 UTC to the second, empty when invalid: the report's time format.
inline QString expectedTime(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODate) : QString();
}

inline QString artifactKindText(ArtifactKind kind)
{
    switch (kind) {
    case ArtifactKind::Image:
        return QStringLiteral("image");
    case ArtifactKind::Index:
        return QStringLiteral("index");
    case ArtifactKind::Attestation:
        return QStringLiteral("attestation");
    case ArtifactKind::Signature:
        return QStringLiteral("signature");
    case ArtifactKind::HelmChart:
        return QStringLiteral("chart");
    case ArtifactKind::Artifact:
        return QStringLiteral("artifact");
    }
    return {};
}

} // namespace Berth::Test
