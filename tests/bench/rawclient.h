#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace Berth::Test {

struct RawRequest
{
    QByteArray method; //!< "GET", "HEAD" or "DELETE"
    QUrl url;
    QByteArray accept; //!< Accept header, empty for none
};

//! The registry's raw capacity: fires a fixed list of requests through one plain
//! QNetworkAccessManager (its six keep-alive connections per host, HTTP/1.1) all at once, with
//! no Berth logic at all (no scheduler, no parsing, no dependency between requests: the digests
//! are known up front). What Berth does with the same request mix is compared against this.
class RawClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RawClient)
public:
    struct Outcome
    {
        int requests = 0;
        int failed = 0; //!< transport errors or HTTP status >= 400
        qint64 bytes = 0;
        qint64 ms = -1; //!< -1: timed out
        QJsonObject toJson() const;
    };

    explicit RawClient(QObject *parent = nullptr);
    ~RawClient() override;

    //! Opens the connections first (not timed: Berth's figures are taken on warm connections
    //! too), then times requests from the first send to the last finished reply. Blocks in a
    //! local event loop.
    Outcome run(const QUrl &base, const QList<RawRequest> &requests, int timeoutMs);

private:
    QNetworkReply *send(const RawRequest &request);

    QNetworkAccessManager *m_nam;
};

} // namespace Berth::Test
