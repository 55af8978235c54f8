#include "net/harbor/harborauthenticator.h"

#include <QMetaObject>

using namespace Qt::StringLiterals;

namespace Berth {

HarborAuthenticator::HarborAuthenticator(QObject *parent)
    : Authenticator(parent)
{}

QByteArray HarborAuthenticator::authorization(const QUrl &url, const QString &scope) const
{
    Q_UNUSED(scope)
    if (!hasCredentials() || url.host() != m_base.host()
        || url.port(m_base.scheme() == u"https" ? 443 : 80)
                   != m_base.port(m_base.scheme() == u"https" ? 443 : 80)) {
        return {};
    }
    const QByteArray pair = m_credentials.username.toUtf8() + ':' + m_credentials.password.toUtf8();
    return "Basic " + pair.toBase64();
}

void HarborAuthenticator::handleChallenge(const QList<AuthChallenge> &challenges,
                                          const QString &scope, QObject *context,
                                          std::function<void(Error)> done)
{
    Q_UNUSED(challenges)
    Q_UNUSED(scope)
    // Basic credentials were sent already (or there are none): another round cannot help.
    const bool had = hasCredentials();
    QMetaObject::invokeMethod(
            context,
            [done, had] {
                done(Error(ErrorCode::Unauthorized,
                           had ? u"Harbor did not accept the user name or password"_s
                               : u"Harbor requires a login for this"_s,
                           401));
            },
            Qt::QueuedConnection);
}

} // namespace Berth
