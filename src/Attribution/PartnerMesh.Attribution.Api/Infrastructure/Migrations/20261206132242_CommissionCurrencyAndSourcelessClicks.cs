using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Attribution.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class CommissionCurrencyAndSourcelessClicks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "commission_currency",
                table: "conversions",
                type: "character(3)",
                fixedLength: true,
                maxLength: 3,
                nullable: true);

            // Conversions answered their commission only in the order's currency: those say which it was, and a sale booked
            // in the program's currency (a fixed plan on a foreign-currency order, answered 0) is answered as booked.
            migrationBuilder.Sql("UPDATE conversions SET commission_currency = currency WHERE commission_amount <> 0");
            migrationBuilder.Sql("""
                UPDATE conversions AS c SET commission_amount = s.amount, commission_currency = s.currency
                FROM commissions AS s
                WHERE s.conversion_id = c.id AND s.partner_id = c.partner_id AND s.kind = 'sale' AND s.amount > 0
                  AND s.currency <> c.currency AND c.commission_amount = 0
                """);

            // Clicks registered with neither address nor user agent shared the key of "|" and flooded each other: no source.
            migrationBuilder.Sql("UPDATE clicks SET source_key = NULL WHERE source_key = 'cbe5cfdf7c2118a9c3d78ef1d684f3af'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "commission_currency",
                table: "conversions");
        }
    }
}
