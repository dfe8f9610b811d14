using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Coupons.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class RecoveredCarts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "recovered_carts",
                columns: table => new
                {
                    cart_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    recovered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_recovered_carts", x => x.cart_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_recovered_carts_recorded_at",
                table: "recovered_carts",
                column: "recorded_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "recovered_carts");
        }
    }
}
