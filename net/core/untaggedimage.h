#pragma once

#include <QDateTime>
#include <QString>

namespace Berth {

//! An image of a repository that no tag points at and no other image lists (Harbor 2.x's
//! "untagged artifact"): what a clean-up can delete by digest.
struct UntaggedImage
{
    QString digest;
    QString mediaType; //!< the manifest's media type
    QDateTime pushed;  //!< invalid when unknown
    qint64 size = -1;  //!< as the server reports it (layers and config), -1 when unknown
};

} // namespace Berth
