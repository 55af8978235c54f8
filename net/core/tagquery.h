#pragma once

#include <QString>

namespace Berth {

//! How a tag listing is asked for when the server can sort and filter itself (Harbor 2.x):
//! sorting 100,000 tags by push time then costs one page instead of a full crawl.
struct TagQuery
{
    enum class SortField { Name, PushTime };
    QString filterText; //!< tags containing this text (server-side fuzzy match); empty = all
    SortField sortField = SortField::Name;
    bool descending = false;

    //! Name order, ascending, no filter: what createTagPager(repository, parent) lists.
    bool isDefault() const
    {
        return filterText.isEmpty() && sortField == SortField::Name && !descending;
    }
    bool operator==(const TagQuery &) const = default;
};

} // namespace Berth
