"""Each project's bounded ring of recent deltas, and the resume rule of a reconnecting
client. Pure: no I/O, no clock.

Ids are offsets of the feed's stream (one sequence for every project, increasing). A client
that last saw id L resumes if every event of its project after L is still known: the feed
has read the stream from before L (`first` <= L + 1) and the project's ring has dropped no
event after L. Otherwise it is told to reload the board (and then follows from the head).
"""
from collections import deque


class Ring:
    """The last `size` frames of one project: (offset, frame bytes)."""

    def __init__(self, size):
        self.frames = deque(maxlen=size)
        self.dropped_upto = -1  # the offset of the newest frame pushed out

    def add(self, offset, frame):
        if len(self.frames) == self.frames.maxlen:
            self.dropped_upto = self.frames[0][0]
        self.frames.append((offset, frame))

    def after(self, offset):
        """Frames newer than `offset`, oldest first."""
        if not self.frames or self.frames[-1][0] <= offset:
            return []
        found = []
        for item in reversed(self.frames):
            if item[0] <= offset:
                break
            found.append(item)
        found.reverse()
        return found


def can_resume(last_id, first, head, ring):
    """True if a client whose last id is `last_id` misses nothing it can't be sent: `first`
    is the first offset this process read (None: none yet), `head` the last (None: none),
    `ring` the project's Ring or None (no event of it known)."""
    if first is None or head is None:
        return False  # nothing read: whatever came after last_id is unknown
    if last_id > head:
        return False  # an id this stream never gave (a stream made anew)
    if last_id + 1 < first:
        return False  # events between last_id and the first one read are unknown
    return ring is None or ring.dropped_upto <= last_id
