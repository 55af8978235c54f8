#include "net/formats/imageconfig.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

// The range of years Berth shows; earlier ones are placeholders such as Go's zero time.
constexpr int MinYear = 1970;

Error bad(const QString &what)
{
    return Error(ErrorCode::BadResponse, u"Malformed image config: "_s + what);
}

// Reads typed members, remembering the first wrong type as the error. Absent or null members
// are empty: real configs write "Labels": null and "Env": null.
class Reader
{
public:
    explicit Reader(QString where)
        : m_where(std::move(where))
    {}

    QString string(const QJsonObject &object, QLatin1StringView key)
    {
        const QJsonValue value = object.value(key);
        if (isEmpty(value))
            return {};
        if (!value.isString())
            fail(key, "a string"_L1);
        return value.toString();
    }

    // A list of strings; a lone string (older tools wrote Cmd that way) is a one-element list.
    QStringList stringList(const QJsonObject &object, QLatin1StringView key)
    {
        const QJsonValue value = object.value(key);
        if (isEmpty(value))
            return {};
        if (value.isString())
            return {value.toString()};
        QStringList list;
        const QJsonArray array = value.toArray();
        if (!value.isArray())
            fail(key, "an array of strings"_L1);
        for (const QJsonValue &item : array) {
            if (!item.isString())
                fail(key, "an array of strings"_L1);
            list.append(item.toString());
        }
        return list;
    }

    QJsonObject object(const QJsonObject &parent, QLatin1StringView key)
    {
        const QJsonValue value = parent.value(key);
        if (!isEmpty(value) && !value.isObject())
            fail(key, "an object"_L1);
        return value.toObject();
    }

    // The keys of a set such as ExposedPorts {"80/tcp": {}}.
    QStringList keys(const QJsonObject &parent, QLatin1StringView key)
    {
        return object(parent, key).keys();
    }

    QMap<QString, QString> stringMap(const QJsonObject &parent, QLatin1StringView key)
    {
        QMap<QString, QString> map;
        const QJsonObject labels = object(parent, key);
        for (auto it = labels.begin(); it != labels.end(); ++it) {
            if (!it.value().isString())
                fail(key, "an object of strings"_L1);
            map.insert(it.key(), it.value().toString());
        }
        return map;
    }

    bool boolean(const QJsonObject &object, QLatin1StringView key)
    {
        const QJsonValue value = object.value(key);
        if (!isEmpty(value) && !value.isBool())
            fail(key, "a boolean"_L1);
        return value.toBool();
    }

    const std::optional<Error> &error() const { return m_error; }

private:
    static bool isEmpty(const QJsonValue &value) { return value.isUndefined() || value.isNull(); }

    void fail(QLatin1StringView key, QLatin1StringView expected)
    {
        if (!m_error)
            m_error = bad(u"%1%2 must be %3"_s.arg(m_where, key, expected));
    }

    QString m_where;
    std::optional<Error> m_error;
};

QList<HistoryEntry> parseHistory(const QJsonValue &value, Reader &reader)
{
    QList<HistoryEntry> history;
    const QJsonArray array = value.toArray();
    for (const QJsonValue &item : array) {
        const QJsonObject entry = item.toObject();
        HistoryEntry parsed;
        parsed.createdText = reader.string(entry, "created"_L1);
        parsed.created = parseRfc3339(parsed.createdText);
        parsed.createdBy = reader.string(entry, "created_by"_L1);
        parsed.comment = reader.string(entry, "comment"_L1);
        parsed.emptyLayer = reader.boolean(entry, "empty_layer"_L1);
        history.append(parsed);
    }
    return history;
}

void parseRuntimeConfig(const QJsonObject &config, ImageConfig &image, Reader &reader)
{
    image.user = reader.string(config, "User"_L1);
    image.workingDir = reader.string(config, "WorkingDir"_L1);
    image.entrypoint = reader.stringList(config, "Entrypoint"_L1);
    image.cmd = reader.stringList(config, "Cmd"_L1);
    image.env = reader.stringList(config, "Env"_L1);
    image.exposedPorts = reader.keys(config, "ExposedPorts"_L1);
    image.volumes = reader.keys(config, "Volumes"_L1);
    image.labels = reader.stringMap(config, "Labels"_L1);
}

} // namespace

QDateTime parseRfc3339(const QString &text)
{
    // date-time per RFC 3339 §5.6; 't'/'z' and a space separator are accepted like Go does.
    static const QRegularExpression pattern(
            u"\\A(\\d{4})-(\\d{2})-(\\d{2})[Tt ](\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?"
            u"(?:([Zz])|([+-])(\\d{2}):(\\d{2}))\\z"_s);
    const QRegularExpressionMatch match = pattern.match(text.trimmed());
    if (!match.hasMatch())
        return {};
    const auto number = [&match](int group) {
        return match.capturedView(group).toInt();
    };
    const QDate date(number(1), number(2), number(3));
    const int milliseconds
            = match.capturedView(7).left(3).toString().leftJustified(3, u'0').toInt();
    const QTime time(number(4), number(5), number(6), milliseconds);
    if (date.year() < MinYear || !date.isValid() || !time.isValid())
        return {};
    QDateTime result(date, time, Qt::UTC);
    if (match.capturedLength(8) == 0) {
        if (number(10) > 23 || number(11) > 59)
            return {};
        const int offset = (number(10) * 60 + number(11)) * 60;
        result = result.addSecs(match.capturedView(9) == u"+" ? -offset : offset);
    }
    return result;
}

Result<ImageConfig> parseImageConfig(const QByteArray &body)
{
    if (body.size() > MaxConfigBytes) {
        return Error(ErrorCode::TooLarge,
                     u"Image config too large: %1 bytes (at most %2)"_s.arg(body.size())
                             .arg(MaxConfigBytes));
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error == QJsonParseError::DeepNesting)
        return Error(ErrorCode::TooLarge, u"Image config JSON nested too deeply"_s);
    if (parseError.error != QJsonParseError::NoError)
        return bad(u"invalid JSON at offset %1: %2"_s.arg(parseError.offset)
                           .arg(parseError.errorString()));
    if (!document.isObject())
        return bad(u"the document is not a JSON object"_s);

    const QJsonObject root = document.object();
    Reader reader(QString{});
    ImageConfig image;
    image.createdText = reader.string(root, "created"_L1);
    image.created = parseRfc3339(image.createdText);
    image.os = reader.string(root, "os"_L1);
    image.architecture = reader.string(root, "architecture"_L1);
    image.variant = reader.string(root, "variant"_L1);
    image.author = reader.string(root, "author"_L1);
    Reader configReader(u"config."_s);
    parseRuntimeConfig(reader.object(root, "config"_L1), image, configReader);
    Reader historyReader(u"history[]."_s);
    const QJsonValue history = root.value("history"_L1);
    if (!history.isUndefined() && !history.isNull() && !history.isArray())
        return bad(u"history must be an array"_s);
    image.history = parseHistory(history, historyReader);
    for (const Reader *r : {&reader, &configReader, &historyReader}) {
        if (r->error())
            return *r->error();
    }
    return image;
}

} // namespace Berth
