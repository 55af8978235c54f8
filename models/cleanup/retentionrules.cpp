#include "models/cleanup/retentionrules.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

struct Unit
{
    QChar letter;
    qint64 seconds;
};

// Largest first: durationText() picks the first that divides.
constexpr Unit Units[] = {{u'w', 7 * 86400}, {u'd', 86400}, {u'h', 3600}, {u'm', 60}, {u's', 1}};

} // namespace

std::optional<qint64> RetentionRules::parseDuration(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.size() < 2)
        return std::nullopt;
    bool ok = false;
    const qint64 count = trimmed.first(trimmed.size() - 1).toLongLong(&ok);
    // A year in seconds times 1000 still fits comfortably: anything above is a typo.
    if (!ok || count <= 0 || count > 1'000'000)
        return std::nullopt;
    for (const Unit &unit : Units) {
        if (trimmed.back() == unit.letter)
            return count * unit.seconds;
    }
    return std::nullopt;
}

QString RetentionRules::durationText(qint64 seconds)
{
    for (const Unit &unit : Units) {
        if (seconds % unit.seconds == 0)
            return QString::number(seconds / unit.seconds) + unit.letter;
    }
    return QString::number(seconds) + u's';
}

std::optional<QRegularExpression> RetentionRules::tagPattern(const QString &pattern, QString *error)
{
    QRegularExpression expression(QRegularExpression::anchoredPattern(pattern));
    if (!expression.isValid()) {
        if (error) {
            *error = u"not a valid regular expression: %1 (%2)"_s.arg(pattern,
                                                                      expression.errorString());
        }
        return std::nullopt;
    }
    return expression;
}

QString RetentionRules::typedPattern(const QRegularExpression &expression)
{
    // anchoredPattern() wrapped it in \A(?: ... )\z.
    QString text = expression.pattern();
    if (text.startsWith(u"\\A(?:") && text.endsWith(u")\\z"))
        text = text.mid(5, text.size() - 8);
    return text;
}

QJsonObject RetentionRules::toJson() const
{
    QJsonArray keepPatterns;
    for (const QRegularExpression &pattern : keep)
        keepPatterns.append(typedPattern(pattern));
    return QJsonObject{
            {u"keep_last"_s, keepLast >= 0 ? QJsonValue(keepLast) : QJsonValue()},
            {u"by"_s, by == Age::Pushed ? u"pushed"_s : u"created"_s},
            {u"keep"_s, keepPatterns},
            {u"only"_s, only ? QJsonValue(typedPattern(*only)) : QJsonValue()},
            {u"older_than"_s,
             olderThanSeconds >= 0 ? QJsonValue(durationText(olderThanSeconds)) : QJsonValue()},
            {u"untagged"_s, untagged},
    };
}

} // namespace Berth
