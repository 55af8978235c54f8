#pragma once

#include "net/core/error.h"
#include "net/core/job.h"
#include "net/harbor/harborjson.h"

#include <QObject>
#include <QSslConfiguration>

#include <QUrl>
#include <optional>

namespace Berth {

class RequestScheduler;

struct HarborInfo
{
    bool isHarbor = false;
    HarborGeneration generation = HarborGeneration::V2;
    QString version; //!< harbor_version from systeminfo ("v2.10.0-b2f2d0e4"); may be empty
};

//! Tells Harbor 2.x, Harbor 1.x and a plain registry apart with three anonymous GETs sent at
//! once (one round trip):
//! /api/version ({"version":"v2.0"}) and /api/v2.0/systeminfo for 2.x, else /api/systeminfo
//! for 1.x, else not Harbor. A server that answers none of them is a plain registry (not an
//! error); only transport failures on the first probe are errors. base = "https://host" (the
//! scheme the registry ping settled on).
ResultJob<HarborInfo> *detectHarbor(RequestScheduler *scheduler, const QUrl &base,
                                    const std::optional<QSslConfiguration> &ssl, QObject *parent);

} // namespace Berth
