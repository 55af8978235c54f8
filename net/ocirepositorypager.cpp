#include "ocirepositorypager.h"

#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace Berth {

OciRepositoryPager::OciRepositoryPager(RegistryClient *client, const QString &prefix,
                                       QObject *parent)
    : OciListPager(client, parent)
    , m_prefix(prefix)
{}

void OciRepositoryPager::requestPage(const QUrl &next, const CallOptions &options,
                                     RegistryClient::Callback<NamesPage> done)
{
    QUrl url = next;
    if (url.isEmpty() && !m_prefix.isEmpty()) {
        // Start just before the prefix: `last` = the prefix with its final character moved one
        // code point down. Every name starting with the prefix sorts after it; the few names
        // between it and the prefix are dropped by filterPage(). Registries that ignore `last`
        // simply start at the beginning.
        QString last = m_prefix;
        last.back() = QChar(last.back().unicode() - 1);
        url.setPath(u"/v2/_catalog"_s);
        QUrlQuery query;
        query.addQueryItem(u"n"_s, QString::number(pageSize()));
        query.addQueryItem(u"last"_s, last);
        url.setQuery(query);
    }
    client()->catalogPage(pageSize(), url, options, this, std::move(done));
}

void OciRepositoryPager::filterPage(QStringList &names, bool &stop)
{
    if (m_prefix.isEmpty())
        return;
    QStringList kept;
    for (const QString &name : std::as_const(names)) {
        if (name.startsWith(m_prefix))
            kept.append(name);
        else if (name > m_prefix)
            stop = true; // sorted: nothing later can start with the prefix
    }
    names = kept;
}

} // namespace Berth
