#include "net/oci/ocirepositorypager.h"

#include <QUrlQuery>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {
//! The catalog's order: Distribution compares names with '/' below every other character, so
//! "team-a/api" comes before "team-a.x/y".
bool catalogLess(const QString &a, const QString &b)
{
    const qsizetype n = std::min(a.size(), b.size());
    for (qsizetype i = 0; i < n; ++i) {
        const char16_t x = a.at(i) == u'/' ? u'\0' : a.at(i).unicode();
        const char16_t y = b.at(i) == u'/' ? u'\0' : b.at(i).unicode();
        if (x != y)
            return x < y;
    }
    return a.size() < b.size();
}
} // namespace

OciRepositoryPager::OciRepositoryPager(RegistryClient *client, const QString &prefix,
                                       QObject *parent)
    : OciListPager(client, parent)
    , m_prefix(prefix)
{}

ResultJob<NamesPage> *OciRepositoryPager::requestPage(const QUrl &next, Priority priority)
{
    QUrl url = next;
    if (url.isEmpty() && m_prefix.size() > 1) {
        // Start near the prefix instead of at "a": every name that starts with the prefix sorts
        // after the prefix minus its last character, whatever the order of the separators
        // (Distribution sorts '/' below every other character). The few names in between are
        // dropped by filterPage(). Registries that ignore `last` simply start at the beginning.
        url.setPath(u"/v2/_catalog"_s);
        QUrlQuery query;
        query.addQueryItem(u"n"_s, QString::number(pageSize()));
        query.addQueryItem(u"last"_s, m_prefix.chopped(1));
        url.setQuery(query);
    }
    return client()->catalogPage(pageSize(), url, priority);
}

void OciRepositoryPager::filterPage(QStringList &names, bool &stop)
{
    if (m_prefix.isEmpty())
        return;
    QStringList kept;
    for (const QString &name : std::as_const(names)) {
        if (name.startsWith(m_prefix))
            kept.append(name);
        else if (catalogLess(m_prefix, name))
            stop = true; // sorted: nothing later can start with the prefix
    }
    names = kept;
}

} // namespace Berth
