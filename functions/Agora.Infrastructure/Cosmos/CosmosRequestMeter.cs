using System.Globalization;
using Microsoft.Azure.Cosmos;

namespace Agora.Infrastructure.Cosmos;

/// <summary>Counts the requests the Cosmos client sends and the request units they cost, in total and per business
/// operation (<see cref="Start"/>), so tests can bound the cost of an operation and logs can report it.</summary>
public sealed class CosmosRequestMeter
{
    private static readonly AsyncLocal<Measurement?> Current = new();
    private long _requests;
    private long _milliRequestUnits;

    public long Requests => Interlocked.Read(ref _requests);

    public double RequestUnits => Interlocked.Read(ref _milliRequestUnits) / 1000.0;

    /// <summary>Counts the requests made from here on in this async flow (one HTTP request, one message) until disposed.</summary>
    public static Measurement Start()
    {
        var measurement = new Measurement(Current.Value);
        Current.Value = measurement;
        return measurement;
    }

    internal RequestHandler CreateHandler() => new Handler(this);

    private void Record(double charge)
    {
        var milli = (long)Math.Round(charge * 1000);
        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _milliRequestUnits, milli);
        for (var m = Current.Value; m is not null; m = m.Parent)
        {
            m.Add(milli);
        }
    }

    public sealed class Measurement : IDisposable
    {
        private long _requests;
        private long _milliRequestUnits;

        internal Measurement(Measurement? parent) => Parent = parent;

        internal Measurement? Parent { get; }

        public long Requests => Interlocked.Read(ref _requests);

        public double RequestUnits => Interlocked.Read(ref _milliRequestUnits) / 1000.0;

        internal void Add(long milliRequestUnits)
        {
            Interlocked.Increment(ref _requests);
            Interlocked.Add(ref _milliRequestUnits, milliRequestUnits);
        }

        public void Dispose()
        {
            if (Current.Value == this)
            {
                Current.Value = Parent;
            }
        }
    }

    private sealed class Handler(CosmosRequestMeter meter) : RequestHandler
    {
        public override async Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var charge = response.Headers.RequestCharge;
            if (charge == 0 && response.Headers["x-ms-request-charge"] is { } header)
            {
                _ = double.TryParse(header, NumberStyles.Float, CultureInfo.InvariantCulture, out charge);
            }

            meter.Record(charge);
            return response;
        }
    }
}
