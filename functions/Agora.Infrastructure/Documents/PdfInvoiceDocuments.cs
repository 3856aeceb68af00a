using Agora.Core.Billing;
using Agora.Core.Ordering;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Agora.Infrastructure.Documents;

/// <summary>Prints an invoice or credit note as an A4 PDF with PDFsharp (decision 0018b): the seller and buyer, the title
/// with its number and issue date, the purchase orders it covers, the lines (over as many pages as they take, the table's
/// header on each, "página 1 de 3" at the foot), the total, and the installments with the payment terms; a credit note
/// names the invoice it corrects and why. The text is real text in an embedded font, so a buyer's accounts payable
/// software can read the number and amounts back, as the tests do.</summary>
public sealed class PdfInvoiceDocuments : IInvoiceDocuments
{
    public byte[] Pdf(Invoice invoice)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        InvoiceFonts.Install();
        var words = InvoiceWording.For(invoice.Language);
        using var document = new PdfDocument();
        document.Info.Title = $"{words.Title(invoice.Kind)} {invoice.DisplayNumber}";
        document.Info.Author = invoice.Seller.Name;
        document.Info.Subject = invoice.Buyer.Name;
        document.Info.CreationDate = invoice.IssuedAt.UtcDateTime;
        document.Options.CompressContentStreams = true;

        using (var sheet = new InvoiceSheet(document, invoice, words))
        {
            sheet.Print();
        }

        using var bytes = new MemoryStream();
        document.Save(bytes, false);
        return bytes.ToArray();
    }

    /// <summary>One document being laid out: where the pen is, on which page, and the fonts.</summary>
    private sealed class InvoiceSheet(PdfDocument document, Invoice invoice, InvoiceWording words) : IDisposable
    {
        private const double Width = 595.28; // A4 in points
        private const double Height = 841.89;
        private const double Margin = 40;
        private const double Bottom = Height - 56; // above the footer
        private const double Pad = 3;
        private const double RowLine = 10.5;

        private static readonly XPdfFontOptions Unicode = new(PdfFontEncoding.Unicode);
        // Instance fields, not static ones: a font may be made only after InvoiceFonts.Install, which Pdf calls first.
        private readonly XFont titleFont = new(InvoiceFonts.Family, 18, XFontStyleEx.Bold, Unicode);
        private readonly XFont headFont = new(InvoiceFonts.Family, 10, XFontStyleEx.Bold, Unicode);
        private readonly XFont textFont = new(InvoiceFonts.Family, 9, XFontStyleEx.Regular, Unicode);
        private readonly XFont labelFont = new(InvoiceFonts.Family, 8, XFontStyleEx.Bold, Unicode);
        private readonly XFont cellFont = new(InvoiceFonts.Family, 8, XFontStyleEx.Regular, Unicode);
        private readonly XFont totalFont = new(InvoiceFonts.Family, 11, XFontStyleEx.Bold, Unicode);
        private static readonly XBrush Ink = XBrushes.Black;
        private static readonly XBrush Muted = new XSolidBrush(XColor.FromArgb(90, 90, 90));
        private static readonly XBrush Shade = new XSolidBrush(XColor.FromArgb(232, 236, 240));
        private static readonly XPen Rule = new(XColor.FromArgb(190, 195, 200), 0.5);

        private static readonly Column[] LineColumns =
        [
            new(28, Right: true), new(82, Right: false), new(170, Right: false), new(37, Right: false),
            new(50, Right: true), new(68, Right: true), new(80, Right: true),
        ];

        private static readonly Column[] InstallmentColumns = [new(90, Right: false), new(90, Right: false), new(110, Right: true)];

        private XGraphics? graphics;
        private double y;

        private XGraphics G => graphics ?? throw new InvalidOperationException("No page is open.");

        public void Print()
        {
            NewPage(first: true);
            Parties();
            References();
            Lines();
            Totals();
            InstallmentTable();
            Close();
            Footers();
        }

        public void Dispose() => graphics?.Dispose();

        private void NewPage(bool first)
        {
            graphics?.Dispose();
            var page = document.AddPage();
            page.Width = XUnit.FromPoint(Width);
            page.Height = XUnit.FromPoint(Height);
            graphics = XGraphics.FromPdfPage(page);
            y = Margin;
            var title = $"{words.Title(invoice.Kind)} {invoice.DisplayNumber}";
            if (first)
            {
                G.DrawString(title, titleFont, Ink, new XRect(Margin, y, Width - (2 * Margin), 24), XStringFormats.TopLeft);
                G.DrawString($"{words.IssuedOn}: {words.Date(invoice.IssuedOn)}", textFont, Ink, new XRect(Margin, y + 6, Width - (2 * Margin), 14), XStringFormats.TopRight);
                y += 30;
            }
            else
            {
                G.DrawString(title, headFont, Ink, new XRect(Margin, y, Width - (2 * Margin), 14), XStringFormats.TopLeft);
                G.DrawString(invoice.Seller.Name, textFont, Muted, new XRect(Margin, y, Width - (2 * Margin), 14), XStringFormats.TopRight);
                y += 18;
            }

            G.DrawLine(Rule, Margin, y, Width - Margin, y);
            y += 8;
        }

        private void Close()
        {
            graphics?.Dispose();
            graphics = null;
        }

        /// <summary>Room for <paramref name="height"/> more points on this page, or a new page; true when one was begun.</summary>
        private bool Need(double height)
        {
            if (y + height <= Bottom)
            {
                return false;
            }

            NewPage(first: false);
            return true;
        }

        private void Parties()
        {
            var half = (Width - (2 * Margin) - 20) / 2;
            var left = Party(words.Seller, invoice.Seller, Margin, half);
            var right = Party(words.Buyer, invoice.Buyer, Margin + half + 20, half);
            y = Math.Max(left, right) + 10;
        }

        /// <summary>Draws one party from the current line down; returns where it ends.</summary>
        private double Party(string label, InvoiceParty party, double x, double width)
        {
            var at = y;
            G.DrawString(label.ToUpperInvariant(), labelFont, Muted, new XRect(x, at, width, 11), XStringFormats.TopLeft);
            at += 12;
            foreach (var line in Wrap(party.Name, headFont, width))
            {
                G.DrawString(line, headFont, Ink, new XRect(x, at, width, 13), XStringFormats.TopLeft);
                at += 13;
            }

            var details = new List<string>();
            if (!string.IsNullOrWhiteSpace(party.TaxId))
            {
                details.Add($"{words.TaxId}: {party.TaxId}");
            }

            details.AddRange(AddressLines(party.Address));
            foreach (var line in details.SelectMany(d => Wrap(d, textFont, width)))
            {
                G.DrawString(line, textFont, Ink, new XRect(x, at, width, 12), XStringFormats.TopLeft);
                at += 11.5;
            }

            return at;
        }

        private static IEnumerable<string> AddressLines(Address? address)
        {
            if (address is null)
            {
                yield break;
            }

            yield return address.Line1;
            if (!string.IsNullOrWhiteSpace(address.Line2))
            {
                yield return address.Line2;
            }

            yield return string.IsNullOrWhiteSpace(address.Region)
                ? $"{address.PostalCode} {address.City}"
                : $"{address.PostalCode} {address.City} - {address.Region}";
            yield return address.Country;
        }

        /// <summary>What the document refers to: the buyer's purchase orders and, for a credit note, the invoice it corrects.</summary>
        private void References()
        {
            var width = Width - (2 * Margin);
            var lines = new List<string>();
            if (invoice.PurchaseOrderNumbers.Count > 0)
            {
                lines.Add($"{words.PurchaseOrders}: {string.Join(", ", invoice.PurchaseOrderNumbers)}");
            }

            if (invoice.Kind == InvoiceKind.CreditNote)
            {
                if (!string.IsNullOrWhiteSpace(invoice.CorrectsInvoiceId))
                {
                    lines.Add($"{words.Corrects}: {invoice.CorrectsInvoiceId}");
                }

                if (!string.IsNullOrWhiteSpace(invoice.Reason))
                {
                    lines.Add($"{words.Reason}: {invoice.Reason}");
                }
            }

            foreach (var line in lines.SelectMany(l => Wrap(l, textFont, width)))
            {
                Need(12);
                G.DrawString(line, textFont, Ink, new XRect(Margin, y, width, 12), XStringFormats.TopLeft);
                y += 12;
            }

            y += 8;
        }

        private void Lines()
        {
            Need(40);
            G.DrawString(words.AmountsInLabel(invoice.Currency), cellFont, Muted, new XRect(Margin, y, Width - (2 * Margin), 10), XStringFormats.TopRight);
            y += 11;
            string[] header = [words.LineNo, words.Sku, words.Description, words.Unit, words.Quantity, words.UnitPrice, words.LineTotal];
            Row(LineColumns, header, labelFont, shaded: true);
            foreach (var line in invoice.Lines)
            {
                string[] cells =
                [
                    line.Line.ToString(System.Globalization.CultureInfo.InvariantCulture), line.Sku, line.Name, line.Unit,
                    words.Count(line.Quantity), words.Price(line.UnitPrice, invoice.Currency), words.Plain(line.Total, Core.Common.Currency.MinorUnitsOf(invoice.Currency)),
                ];
                var lines = Cells(LineColumns, cells, cellFont);
                if (Need(RowHeight(lines)))
                {
                    Row(LineColumns, header, labelFont, shaded: true);
                }

                Row(LineColumns, lines, cellFont, shaded: false);
            }
        }

        private void Totals()
        {
            Need(30);
            y += 6;
            var text = $"{words.Total}: {words.Money(invoice.Total, invoice.Currency)}";
            G.DrawString(text, totalFont, Ink, new XRect(Margin, y, Width - (2 * Margin) - Pad, 16), XStringFormats.TopRight);
            y += 26;
        }

        private void InstallmentTable()
        {
            if (invoice.Installments.Count == 0)
            {
                return;
            }

            Need(50);
            var width = Width - (2 * Margin);
            foreach (var line in Wrap($"{words.PaymentTerms}: {invoice.PaymentTerms}", headFont, width))
            {
                G.DrawString(line, headFont, Ink, new XRect(Margin, y, width, 13), XStringFormats.TopLeft);
                y += 14;
            }

            string[] header = [words.Installment, words.DueDate, words.Amount];
            Row(InstallmentColumns, header, labelFont, shaded: true);
            foreach (var installment in invoice.Installments)
            {
                var number = installment.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
                string[] cells = [installment.Deposit ? $"{number} ({words.Deposit})" : number, words.Date(installment.DueDate), words.Money(installment.Amount, invoice.Currency)];
                var lines = Cells(InstallmentColumns, cells, cellFont);
                if (Need(RowHeight(lines)))
                {
                    Row(InstallmentColumns, header, labelFont, shaded: true);
                }

                Row(InstallmentColumns, lines, cellFont, shaded: false);
            }
        }

        /// <summary>The page numbers, drawn once every page exists, since "de 3" is known only then.</summary>
        private void Footers()
        {
            var pages = document.PageCount;
            for (var i = 0; i < pages; i++)
            {
                using var footer = XGraphics.FromPdfPage(document.Pages[i], XGraphicsPdfPageOptions.Append);
                var top = Height - 40;
                footer.DrawLine(Rule, Margin, top, Width - Margin, top);
                var box = new XRect(Margin, top + 5, Width - (2 * Margin), 12);
                footer.DrawString($"{invoice.Seller.Name} · {invoice.DisplayNumber}", cellFont, Muted, box, XStringFormats.TopLeft);
                footer.DrawString(words.Page(i + 1, pages), cellFont, Muted, box, XStringFormats.TopRight);
            }
        }

        private string[][] Cells(Column[] columns, string[] cells, XFont font) =>
            [.. cells.Select((text, i) => Wrap(text, font, columns[i].Width - (2 * Pad)).ToArray())];

        private static double RowHeight(string[][] cells) => (cells.Max(c => Math.Max(1, c.Length)) * RowLine) + (2 * Pad);

        private void Row(Column[] columns, string[] cells, XFont font, bool shaded) => Row(columns, Cells(columns, cells, font), font, shaded);

        private void Row(Column[] columns, string[][] cells, XFont font, bool shaded)
        {
            var height = RowHeight(cells);
            var total = columns.Sum(c => c.Width);
            if (shaded)
            {
                G.DrawRectangle(Shade, Margin, y, total, height);
            }

            var x = Margin;
            for (var i = 0; i < columns.Length; i++)
            {
                var format = columns[i].Right ? XStringFormats.TopRight : XStringFormats.TopLeft;
                for (var l = 0; l < cells[i].Length; l++)
                {
                    G.DrawString(cells[i][l], font, Ink, new XRect(x + Pad, y + Pad + (l * RowLine), columns[i].Width - (2 * Pad), RowLine), format);
                }

                x += columns[i].Width;
            }

            y += height;
            G.DrawLine(Rule, Margin, y, Margin + total, y);
        }

        /// <summary>Breaks <paramref name="text"/> into lines that fit <paramref name="width"/>, at spaces, and inside a word
        /// only when the word alone is wider (a long SKU).</summary>
        private List<string> Wrap(string text, XFont font, double width)
        {
            var lines = new List<string>();
            var current = "";
            foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = current.Length == 0 ? word : $"{current} {word}";
                if (Fits(candidate, font, width))
                {
                    current = candidate;
                    continue;
                }

                if (current.Length > 0)
                {
                    lines.Add(current);
                }

                current = word;
                while (!Fits(current, font, width) && current.Length > 1)
                {
                    var cut = current.Length - 1;
                    while (cut > 1 && !Fits(current[..cut], font, width))
                    {
                        cut--;
                    }

                    lines.Add(current[..cut]);
                    current = current[cut..];
                }
            }

            if (current.Length > 0 || lines.Count == 0)
            {
                lines.Add(current);
            }

            return lines;
        }

        private bool Fits(string text, XFont font, double width) => G.MeasureString(text, font).Width <= width;

        private sealed record Column(double Width, bool Right);
    }
}
