namespace Pmap.Core.Machine;

/// <summary>
/// The ordering bookkeeping of one CPU: PTE writes made since the last context-synchronising event, each
/// with the value it replaced. On an architecture that needs an ISB before a new entry is used (Arm), a
/// walk that meets one of these entries relies on something the architecture does not yet guarantee.
/// </summary>
public sealed class Ordering
{
    // Rarely more than two at once, so a small array beats a dictionary on the map/unmap hot path.
    private (ulong Pa, ulong Old)[] _pending = new (ulong, ulong)[4];
    private int _count;

    /// <summary>Whether any write is waiting for context synchronisation.</summary>
    public bool HasPending => _count != 0;

    /// <summary>A PTE store at <paramref name="pa"/> that replaced <paramref name="old"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void NoteWrite(ulong pa, ulong old)
    {
        if (_count == 0)
        {
            // The common case on a PTE store: the last context synchronisation left nothing pending.
            _pending[0] = (pa, old);
            _count = 1;
            return;
        }
        NoteAnotherWrite(pa, old);
    }

    private void NoteAnotherWrite(ulong pa, ulong old)
    {
        for (var i = 0; i < _count; i++)
            if (_pending[i].Pa == pa) return; // keep the value from before the first unsynchronised write
        if (_count == _pending.Length) Array.Resize(ref _pending, _pending.Length * 2);
        _pending[_count++] = (pa, old);
    }

    /// <summary>A context-synchronising event (isb): every completed write is now seen by later translations.</summary>
    public void ContextSynchronize() => _count = 0;

    /// <summary>The value an entry had before an unsynchronised write to it, if there is one.</summary>
    public bool TryGetPending(ulong pa, out ulong old)
    {
        for (var i = 0; i < _count; i++)
        {
            if (_pending[i].Pa != pa) continue;
            old = _pending[i].Old;
            return true;
        }
        old = 0;
        return false;
    }
}
