namespace Discovery.Images.Transfers;

/// <summary>How images reach the nodes.</summary>
public enum TransferStrategy
{
    /// <summary>(a) Glance/Swift-like: each node pulls the whole image from the one PoP it was published at; nothing kept on the way.</summary>
    WholeFromOrigin,
    /// <summary>(b) Each node pulls the whole image from the PoP holding it with the best link to its own, through its PoP's store, which keeps it
    /// (no coalescing: two nodes of a PoP needing it before the store has it each pull it).</summary>
    WholeFromNearest,
    /// <summary>(c) Discovery: chunks, deduplicated; the PoP store pulls the missing ones from every PoP holding them (one transfer per image and
    /// PoP, shared); nodes pull from their store and from peers; the split between sources is <see cref="TransferPlanner"/>'s.</summary>
    Chunks,
}

/// <summary>
/// Brings images to nodes over an <see cref="ImageFabric"/> with one <see cref="TransferStrategy"/>. Pure and single-threaded:
/// everything happens in the fabric's <see cref="FluidNetwork"/> events.
/// </summary>
public sealed class ImageDistribution
{
    private readonly ImageFabric _fabric;
    private readonly Dictionary<string, ImageManifest> _images = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _chunkSizes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _origins = new(StringComparer.Ordinal);
    private readonly Dictionary<(Holder, string), Pull> _pulls = [];
    private readonly Dictionary<Holder, List<Pull>> _pullsAt = [];
    private readonly Dictionary<string, SortedDictionary<long, Pull>> _starvedNodePulls = new(StringComparer.Ordinal);
    private readonly SortedDictionary<long, Pull> _starvedPopPulls = [];
    // Chunks are numbered so the hot paths index arrays: holders per chunk, per PoP for nodes; image membership per chunk.
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<ChunkRef> _refs = [];
    private readonly Dictionary<string, bool[]> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Holder>?[]> _nodeHolders = new(StringComparer.Ordinal);
    private readonly List<Holder>?[] _storeHolders;
    private static readonly List<Holder> NoHolders = [];
    private readonly List<Candidate> _scratch = [];
    private readonly Dictionary<(Holder, string), WholePull> _wholePulls = [];
    private readonly Dictionary<(string, string), double> _delivered = [];
    private readonly Random _random;
    private long _pullIds;
    private bool _sweeping;

    /// <summary>Images in <paramref name="images"/> move over <paramref name="fabric"/> by <paramref name="strategy"/>; <paramref name="seed"/> orders ties between chunks.</summary>
    public ImageDistribution(ImageFabric fabric, TransferStrategy strategy, IEnumerable<ImageManifest> images, int seed = 1)
    {
        (_fabric, Strategy, _random) = (fabric, strategy, new Random(seed));
        foreach (var image in images)
        {
            _images.Add(KeyOf(image), image);
            foreach (var chunk in image.Chunks)
            {
                _chunkSizes[chunk.Digest] = chunk.Size;
                if (_ids.TryAdd(chunk.Digest, _refs.Count)) _refs.Add(chunk);
            }
        }
        foreach (var (key, image) in _images)
        {
            var member = _members[key] = new bool[_refs.Count];
            foreach (var chunk in image.Chunks) member[_ids[chunk.Digest]] = true;
        }
        // One distribution per fabric: it numbers the chunks its holders keep.
        foreach (var holder in fabric.Stores.Concat(fabric.Nodes))
        {
            holder.Has = new bool[_refs.Count];
            holder.IncomingBy = new object?[_refs.Count];
        }
        _storeHolders = new List<Holder>?[_refs.Count];
        foreach (var pop in fabric.Pops)
        {
            _starvedNodePulls[pop] = [];
            _nodeHolders[pop] = new List<Holder>?[_refs.Count];
        }
    }

    /// <summary>How images move.</summary>
    public TransferStrategy Strategy { get; }

    /// <summary>An image's key: name:version.</summary>
    public static string KeyOf(ImageManifest image) => $"{image.Name}:{image.Version}";

    /// <summary>Bytes that crossed between PoPs (a cancelled item's part included).</summary>
    public double InterPopBytes { get; private set; }

    /// <summary>Bytes delivered whole from <paramref name="source"/> (a holder's name) to <paramref name="sink"/>.</summary>
    public double Delivered(string source, string sink) => _delivered.GetValueOrDefault((source, sink));

    /// <summary>The image is published at <paramref name="pop"/>: its store holds it (the first PoP published at is its origin).</summary>
    public void Publish(string pop, ImageManifest image)
    {
        var key = KeyOf(image);
        if (!_images.ContainsKey(key)) throw new ArgumentException($"image {key} is not one of this distribution's", nameof(image));
        _origins.TryAdd(key, pop);
        var store = _fabric.Store(pop);
        store.WholeImages.Add(key);
        foreach (var chunk in image.Chunks) Arrived(store, _ids[chunk.Digest], wake: false);
    }

    /// <summary>The node already holds the image (before the run).</summary>
    public void Preload(string node, ImageManifest image)
    {
        var holder = _fabric.Node(node);
        holder.WholeImages.Add(KeyOf(image));
        foreach (var chunk in image.Chunks) Arrived(holder, _ids[chunk.Digest], wake: false);
    }

    /// <summary>Whether the node holds the whole image.</summary>
    public bool Holds(string node, string image) => HoldsAll(_fabric.Node(node), _images[image]);

    /// <summary>(logical, stored) bytes over every store and node: images held whole, against the bytes they take (dedup ratio = logical / stored).</summary>
    public (double Logical, double Stored) Storage()
    {
        double logical = 0, stored = 0;
        foreach (var holder in _fabric.Stores.Concat(_fabric.Nodes))
        {
            if (Strategy == TransferStrategy.Chunks)
            {
                logical += _images.Values.Where(i => HoldsAll(holder, i)).Sum(i => (double)i.Size);
                stored += holder.Chunks.Sum(c => (double)_chunkSizes[c]);
            }
            else
            {
                var whole = holder.WholeImages.Sum(i => (double)_images[i].Size);
                logical += whole;
                stored += whole;
            }
        }
        return (logical, stored);
    }

    /// <summary>Brings <paramref name="image"/> to <paramref name="node"/> from now on; <paramref name="ready"/> gets the second it is there whole.</summary>
    public void Need(string node, string image, Action<double> ready)
    {
        var holder = _fabric.Node(node);
        var manifest = _images.TryGetValue(image, out var m) ? m : throw new KeyNotFoundException($"no image '{image}'");
        if (HoldsAll(holder, manifest))
        {
            ready(_fabric.Network.Now);
            return;
        }
        if (Strategy == TransferStrategy.Chunks) NeedChunks(holder, manifest, ready);
        else NeedWhole(holder, image, ready);
    }

    private bool HoldsAll(Holder holder, ImageManifest image) =>
        Strategy == TransferStrategy.Chunks ? image.Chunks.All(c => holder.Has[_ids[c.Digest]]) : holder.WholeImages.Contains(KeyOf(image));

    /// <summary>Every store and node of <paramref name="pop"/> goes away now: transfers from it stop, and their pullers go on from the other sources.</summary>
    public void FailPop(string pop)
    {
        var gone = _fabric.NodesOf(pop).Append(_fabric.Store(pop)).ToHashSet();
        foreach (var h in gone) h.Alive = false;
        // Pulls into the PoP stop with it (their waiters never hear back); pulls from it go on from the other sources.
        foreach (var pull in _pulls.Values.Where(p => gone.Contains(p.Sink) || p.Flows.Keys.Any(gone.Contains)).OrderBy(p => p.Id).ToList())
        {
            foreach (var source in pull.Flows.Keys.Where(s => gone.Contains(s) || gone.Contains(pull.Sink)).ToList())
            {
                var flow = pull.Flows[source];
                Returned(pull, _fabric.Network.Cancel(flow));
                Account(flow, flow.LostBytes, whole: false);
                pull.Flows.Remove(source);
                source.Uploads--;
            }
            if (gone.Contains(pull.Sink))
            {
                pull.Done = true;
                (pull.Sink.IsStore ? _starvedPopPulls : _starvedNodePulls[pull.Sink.Pop]).Remove(pull.Id);
            }
            else TopUp(pull);
        }
        foreach (var whole in _wholePulls.Values.Where(w => gone.Contains(w.Sink) || w.Flow.Links.Any(l => gone.Any(g => g.Up == l))).ToList())
        {
            _fabric.Network.Cancel(whole.Flow);
            Account(whole.Flow, whole.Flow.LostBytes, whole: false);
            _wholePulls.Remove((whole.Sink, whole.Image));
            if (!gone.Contains(whole.Sink)) StartWhole(whole.Sink, whole.Image, whole.Waiters);
        }
    }


    // ---- (a) and (b): whole images --------------------------------------------------------------------------------

    private void NeedWhole(Holder node, string image, Action<double> ready)
    {
        if (_wholePulls.TryGetValue((node, image), out var pull)) pull.Waiters.Add(ready);
        else
        {
            Busy(node, +1);
            StartWhole(node, image, [ready]);
        }
    }

    private void StartWhole(Holder node, string image, List<Action<double>> waiters)
    {
        var local = _fabric.Store(node.Pop);
        Holder? source; bool throughStore;
        if (Strategy == TransferStrategy.WholeFromOrigin)
        {
            source = _fabric.Store(_origins[image]);
            throughStore = false;
        }
        else
        {
            source = local.Alive && local.WholeImages.Contains(image) ? local
                : _fabric.Stores.Where(s => s.Alive && s.WholeImages.Contains(image))
                    .OrderByDescending(s => _fabric.Bandwidths.Mbps(s.Pop, node.Pop)).ThenBy(s => s.Name, StringComparer.Ordinal).FirstOrDefault();
            throughStore = true;
        }
        if (source is null || !source.Alive) return; // nowhere to pull it from: its waiters wait
        var pull = new WholePull(this, node, image, waiters, throughStore && source != local ? local : null);
        pull.Flow = _fabric.Network.Start(pull, source, node, _fabric.Path(source, node, throughStore), [new TransferItem(image, _images[image].Size)]);
        _wholePulls[(node, image)] = pull;
    }

    private sealed class WholePull(ImageDistribution owner, Holder sink, string image, List<Action<double>> waiters, Holder? keptAt) : IFlowOwner
    {
        public Holder Sink => sink;
        public string Image => image;
        public List<Action<double>> Waiters => waiters;
        public Flow Flow { get; set; } = null!;

        public void Delivered(Flow flow, TransferItem item)
        {
            owner.Account(flow, item.Size);
            sink.WholeImages.Add(image);
            keptAt?.WholeImages.Add(image);
        }

        public void Ended(Flow flow)
        {
            owner._wholePulls.Remove((sink, image));
            owner.Busy(sink, -1);
            foreach (var w in waiters) w(owner._fabric.Network.Now);
        }
    }

    // ---- (c): chunks ----------------------------------------------------------------------------------------------

    private void NeedChunks(Holder node, ImageManifest image, Action<double> ready)
    {
        var key = KeyOf(image);
        if (_pulls.TryGetValue((node, key), out var existing))
        {
            existing.Waiters.Add(ready);
            return;
        }
        var store = _fabric.Store(node.Pop);
        // Concurrent needs of one image at one PoP share one transfer into its store.
        if (!HoldsAll(store, image) && !_pulls.ContainsKey((store, key))) TopUp(NewPull(store, image));
        var pull = NewPull(node, image);
        pull.Waiters.Add(ready);
        Busy(node, +1);
        TopUp(pull);
    }

    private Pull NewPull(Holder sink, ImageManifest image)
    {
        var key = KeyOf(image);
        var wanted = image.Chunks.Select(c => _ids[c.Digest]).Where(id => !sink.Has[id]).Distinct().ToArray();
        _random.Shuffle(wanted); // the pull's own order breaks ties between equally rare chunks, so pullers spread
        var pull = new Pull(this, ++_pullIds, sink, image, _members[key], wanted)
        {
            Store = sink.IsStore ? null : _fabric.Store(sink.Pop),
            PopHolders = sink.IsStore ? null : _nodeHolders[sink.Pop],
        };
        _pulls[(sink, key)] = pull;
        if (!_pullsAt.TryGetValue(sink, out var list)) _pullsAt[sink] = list = [];
        list.Add(pull);
        return pull;
    }

    /// <summary>Where a pull may take chunk <paramref name="id"/> from: a node, from its PoP's store and peers; a store, from other PoPs' stores.</summary>
    private Candidate CandidateOf(Pull pull, int id, int position)
    {
        if (pull.Sink.IsStore)
            return new(id, position, null, _storeHolders[id] is { } stores ? [.. stores.Where(s => s.Alive && s != pull.Sink)] : []);
        // A node pull's sink never holds what it wants, and its PoP's nodes are all alive while it pulls: no filtering.
        var store = pull.Store!;
        return new(id, position, store.Alive && store.Has[id] ? store : null, pull.PopHolders![id] ?? NoHolders);
    }

    /// <summary>A chunk a pull may take now, its place in the pull's order, and the places holding it (its store first, then nodes or other PoPs' stores).</summary>
    private readonly record struct Candidate(int Id, int Position, Holder? Store, List<Holder> Others)
    {
        public int Count => (Store is null ? 0 : 1) + Others.Count;
        public Holder this[int i] => Store is null ? Others[i] : i == 0 ? Store : Others[i - 1];
    }

    /// <summary>
    /// Plans the next round of a pull: its missing chunks not already coming (rarest first among the places that hold
    /// them, ties in the pull's own random order so that pullers spread), split by <see cref="TransferPlanner"/> between
    /// the sources it already pulls from and holders with a free upload slot; each source gets at most
    /// <see cref="FabricOptions.RoundChunks"/> queued chunks, and the pull plans again when a queue runs low.
    /// </summary>
    private void TopUp(Pull pull)
    {
        if (pull.Done) return;
        var round = _fabric.Options.RoundChunks;
        var maxSources = pull.Sink.IsStore ? _fabric.Options.PopSources : 1 + _fabric.Options.PeerSample;
        var sink = pull.Sink;
        var candidates = _scratch; // TopUp never runs inside itself: one list serves every call
        candidates.Clear();
        var (order, has, incoming) = (pull.Order, sink.Has, sink.IncomingBy);
        var (store, popHolders) = (pull.Store, pull.PopHolders);
        for (var position = 0; position < order.Length; position++)
        {
            var id = order[position];
            if (has[id] || incoming[id] is not null) continue;
            if (popHolders is not null && !(store!.Has[id] && store.Alive) && popHolders[id] is null) continue; // nobody in the PoP has it yet
            var candidate = CandidateOf(pull, id, position);
            if (candidate.Count > 0) candidates.Add(candidate);
        }
        if (candidates.Count > 0)
        {
            candidates.Sort((x, y) => x.Count != y.Count ? x.Count.CompareTo(y.Count) : x.Position.CompareTo(y.Position));
            var sources = pull.Flows.Keys.Where(s => s.Alive).ToList();
            foreach (var candidate in candidates)
            {
                if (sources.Count >= maxSources) break;
                // A sample of the holders, from the pull's own offset (a tracker hands out a few peers, not all of them).
                for (var i = 0; i < Math.Min(candidate.Count, 2 * maxSources) && sources.Count < maxSources; i++)
                {
                    var h = candidate[(int)((i + pull.Id) % candidate.Count)];
                    if (h.Uploads < h.UploadSlots && !sources.Contains(h)) sources.Add(h);
                }
            }
            var open = sources.Where(s => !pull.Flows.TryGetValue(s, out var f) || f.Queued < round).ToList();
            var batch = candidates.Where(c => open.Any(s => s.Has[c.Id])).Take(round * open.Count).Select(c => _refs[c.Id]).ToList();
            if (batch.Count > 0)
            {
                var plan = TransferPlanner.Plan(batch, [.. open.Select(s => new TransferSource(s.Name, _fabric.NominalRate(s, sink), s.Chunks))], sink.Down.BytesPerSecond);
                foreach (var source in open)
                {
                    if (!plan.BySource.TryGetValue(source.Name, out var chunks)) continue;
                    pull.Flows.TryGetValue(source, out var flow);
                    var items = chunks.Take(round - (flow?.Queued ?? 0)).Select(c => new TransferItem(c.Digest, c.Size)).ToList();
                    if (items.Count == 0) continue;
                    foreach (var item in items) sink.IncomingBy[_ids[item.Key]] = pull;
                    if (flow is not null) _fabric.Network.Append(flow, items);
                    else
                    {
                        pull.Flows[source] = _fabric.Network.Start(pull, source, sink, _fabric.Path(source, sink), items);
                        source.Uploads++;
                    }
                }
            }
        }
        var starved = sink.IsStore ? _starvedPopPulls : _starvedNodePulls[sink.Pop];
        if (pull.Flows.Count == 0)
        {
            starved[pull.Id] = pull;
            ScheduleSweep();
        }
        else starved.Remove(pull.Id);
    }

    /// <summary>
    /// Wakes reach the oldest starved pulls first and a freed slot looks at a few only: once a second, every starved pull
    /// tries again, so none waits for ever while a source could serve it. Sweeps stop when nothing else is left to happen.
    /// </summary>
    private void ScheduleSweep()
    {
        if (_sweeping) return;
        _sweeping = true;
        _fabric.Network.At(_fabric.Network.Now + 1, () =>
        {
            _sweeping = false;
            var starved = _starvedPopPulls.Values.Concat(_starvedNodePulls.Values.SelectMany(p => p.Values)).ToList();
            foreach (var pull in starved) TopUp(pull);
            var stillStarved = _starvedPopPulls.Count + _starvedNodePulls.Values.Sum(p => p.Count);
            if (stillStarved > 0 && _fabric.Network.Pending > 0) ScheduleSweep();
        });
    }

    /// <summary>Chunk <paramref name="id"/> arrived whole at <paramref name="holder"/>: every pull there that wanted it has it, and it is a source from now on.</summary>
    private void Arrived(Holder holder, int id, bool wake = true)
    {
        if (holder.Has[id]) return;
        holder.Has[id] = true;
        holder.Chunks.Add(_refs[id].Digest);
        holder.IncomingBy[id] = null;
        var holders = holder.IsStore ? _storeHolders : _nodeHolders[holder.Pop];
        (holders[id] ??= []).Add(holder);
        if (_pullsAt.TryGetValue(holder, out var pulls))
            foreach (var pull in pulls.ToList())
                if (pull.Member[id] && --pull.Remaining == 0) Complete(pull);
        if (wake) Wake(holder, p => p.Member[id] && !p.Sink.Has[id] && p.Sink.IncomingBy[id] is null);
    }

    /// <summary>
    /// Starved pulls that <paramref name="source"/> could serve try again, oldest first, as many as it has free upload slots;
    /// <paramref name="examine"/>: how many starved pulls to look at (a freed slot looks at a few, a new chunk at all, its test being cheap).
    /// </summary>
    private void Wake(Holder source, Func<Pull, bool> wants, int examine = int.MaxValue)
    {
        var free = source.UploadSlots - source.Uploads;
        if (!source.Alive || free <= 0) return;
        var pools = source.IsStore ? new[] { _starvedNodePulls[source.Pop], _starvedPopPulls } : [_starvedNodePulls[source.Pop]];
        var woken = new List<Pull>();
        foreach (var pool in pools)
            foreach (var pull in pool.Values)
            {
                if (woken.Count >= free || examine-- <= 0) break;
                if (pull.Sink != source && (pull.Sink.IsStore ? pull.Sink.Pop != source.Pop : pull.Sink.Pop == source.Pop) && wants(pull)) woken.Add(pull);
            }
        foreach (var pull in woken)
        {
            if (source.Uploads >= source.UploadSlots) return;
            TopUp(pull);
        }
    }

    private void Complete(Pull pull)
    {
        pull.Done = true;
        _pulls.Remove((pull.Sink, KeyOf(pull.Image)));
        _pullsAt[pull.Sink].Remove(pull);
        (pull.Sink.IsStore ? _starvedPopPulls : _starvedNodePulls[pull.Sink.Pop]).Remove(pull.Id);
        if (!pull.Sink.IsStore) Busy(pull.Sink, -1);
        foreach (var w in pull.Waiters) w(_fabric.Network.Now);
    }

    private void Returned(Pull pull, IEnumerable<TransferItem> items)
    {
        foreach (var item in items)
            if (pull.Sink.IncomingBy[_ids[item.Key]] == pull) pull.Sink.IncomingBy[_ids[item.Key]] = null;
    }

    private void Busy(Holder node, int change)
    {
        if (node.Busy == 0 && change > 0) node.BusySince = _fabric.Network.Now;
        node.Busy += change;
        if (node.Busy == 0) node.BusySeconds += _fabric.Network.Now - node.BusySince;
    }

    /// <summary>Counts bytes that crossed a flow's links: <paramref name="whole"/>, an item delivered; else the lost part of a cancelled one.</summary>
    private void Account(Flow flow, double bytes, bool whole = true)
    {
        var (source, sink) = ((Holder)flow.Source, (Holder)flow.Sink);
        if (source.Pop != sink.Pop) InterPopBytes += bytes;
        sink.BytesReceived += bytes;
        if (whole) _delivered[(source.Name, sink.Name)] = _delivered.GetValueOrDefault((source.Name, sink.Name)) + bytes;
    }

    private sealed class Pull(ImageDistribution owner, long id, Holder sink, ImageManifest image, bool[] member, int[] order) : IFlowOwner
    {
        public long Id => id;
        public Holder Sink => sink;
        public ImageManifest Image => image;
        public bool Done { get; set; }
        /// <summary>By chunk number: whether the image has it.</summary>
        public bool[] Member => member;
        /// <summary>The chunks the sink lacked when the pull began, in the pull's random order.</summary>
        public int[] Order => order;
        /// <summary>Chunks of <see cref="Order"/> not at the sink yet.</summary>
        public int Remaining { get; set; } = order.Length;
        public Dictionary<Holder, Flow> Flows { get; } = [];
        public List<Action<double>> Waiters { get; } = [];
        /// <summary>A node pull's store and its PoP's node holders by chunk (null for a store's pull).</summary>
        public Holder? Store { get; init; }
        public List<Holder>?[]? PopHolders { get; init; }

        public void Delivered(Flow flow, TransferItem item)
        {
            owner.Account(flow, item.Size);
            owner.Arrived(sink, owner._ids[item.Key]);
            // Planning again when the last queued chunk arrives keeps the flow going without a gap (the model has no latency).
            if (!Done && flow.Queued == 0) owner.TopUp(this);
        }

        public void Ended(Flow flow)
        {
            var source = (Holder)flow.Source;
            source.Uploads--;
            Flows.Remove(source);
            if (!Done) owner.TopUp(this);
            owner.Wake(source, p => p.Order.Any(d => source.Has[d] && !p.Sink.Has[d] && p.Sink.IncomingBy[d] is null), examine: 4 * source.UploadSlots);
        }
    }
}
