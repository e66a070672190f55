/*
 * Internal to the PDF catalog (src/showroom/site/catalog_*.c): the document being laid
 * out, the text styles and the layout primitives the sections draw with. The public
 * interface is catalog_pdf.h.
 *
 *   catalog_layout.c	phrases, colours, text layout/measure/show, links, pages,
 *			flow columns
 *   catalog_cover.c	the cover and the model's illustration
 *   catalog_overview.c	the description and the key figures
 *   catalog_specs.c	the spec table
 *   catalog_dealers.c	the dealers and the customer centre
 *   catalog_pdf.c		the document: both passes, metadata, the file
 *
 * The font and pango set-up is shared with the label sheets: showroom/pdf_text.h.
 */
#ifndef SHOWROOM_CATALOG_INT_H
#define SHOWROOM_CATALOG_INT_H

#include <stddef.h>

#include <cairo.h>
#include <librsvg/rsvg.h>
#include <pango/pangocairo.h>

#include "content/content.h"

#define PAGE_W		595.28		/* A4 */
#define PAGE_H		841.89
#define MARGIN		48.0
#define TEXT_W		(PAGE_W - 2 * MARGIN)
#define BODY_TOP	132.0		/* below the running header and section title */
#define BODY_BOTTOM	(PAGE_H - 78.0)	/* above the footer */
#define FOOTER_Y	(PAGE_H - 62.0)
#define COL_GAP		24.0		/* between the overview's two columns */

struct catalog_rgb {
	double	r, g, b;
};

struct catalog_palette {
	struct catalog_rgb	primary;
	struct catalog_rgb	accent;
	struct catalog_rgb	text;
	struct catalog_rgb	bg;
	struct catalog_rgb	muted;	/* secondary text */
	struct catalog_rgb	label;	/* table labels: quieter than text, not faint */
	struct catalog_rgb	rule;	/* hairlines */
	struct catalog_rgb	tint;	/* panels and cards */
	struct catalog_rgb	shade;	/* alternate table rows */
	struct catalog_rgb	white;
};

/* A text style: size in points, weight, line-spacing factor and letter spacing in
 * points. The factor scales the font's own line height, which for Noto CJK is 1.5 em:
 * 0 keeps it, 1.2 makes 1.8 em. */
struct catalog_font {
	double	size;
	int	bold;
	double	line;
	double	track;
};

static const struct catalog_font F_SMALL = { 6.5, 0, 0, 0 };
static const struct catalog_font F_FOOT = { 8, 1, 0, 0.3 };
static const struct catalog_font F_TAXNOTE = { 7, 0, 0, 0 };
static const struct catalog_font F_PAGENO = { 9, 1, 0, 0.5 };
static const struct catalog_font F_RUNHEAD = { 8, 1, 0, 1.2 };
static const struct catalog_font F_LABEL = { 7.5, 1, 0, 0.8 };
static const struct catalog_font F_TITLE = { 22, 1, 0, 0 };
static const struct catalog_font F_SUBHEAD = { 12.5, 1, 0, 0.2 };
static const struct catalog_font F_BODY_JA = { 9.8, 0, 1.2, 0 };
static const struct catalog_font F_BODY_EN = { 10, 0, 1.07, 0 };
static const struct catalog_font F_LEAD = { 17, 1, 0.93, 0 };
static const struct catalog_font F_CELL = { 9.5, 0, 0, 0 };
static const struct catalog_font F_CELL_B = { 9.5, 1, 0, 0 };
static const struct catalog_font F_GROUP = { 10, 1, 0, 0.6 };
static const struct catalog_font F_FIGURE = { 18, 1, 0, 0 };
static const struct catalog_font F_NAME = { 11.5, 1, 0, 0 };
static const struct catalog_font F_ADDR = { 8.8, 0, 0, 0 };
static const struct catalog_font F_NOTE = { 7.5, 0, 0, 0 };

enum catalog_sect {
	SECT_OVERVIEW,
	SECT_SPECS,
	SECT_DEALERS,
	SECT_COUNT
};

struct catalog_image {
	RsvgHandle	*svg;
	cairo_surface_t	*png;
};

struct catalog_doc {
	const struct content	*c;
	const struct model	*m;
	enum lang		 l;
	cairo_t			*cr;
	int			 final;		/* the PDF pass, not the page count */
	PangoContext		*pc;
	PangoFontDescription	*font;
	struct catalog_palette	 pal;
	struct catalog_image	 img;
	int			 page;		/* current page, from 1 */
	int			 npages;	/* known in the final pass */
	int			 sect[SECT_COUNT];	/* first page of each section */
	const char		*title;		/* running section, repeated after breaks */
	double			 y;		/* next free position on the page */
	double			 top;		/* where the body of this page starts */
};

/* Every fixed phrase in both languages, indexed by enum catalog_msg. */
enum catalog_msg {
	M_CATALOG, M_PRICE, M_INCL_TAX, M_FROM, M_OVERVIEW, M_SPECS, M_CONTINUED,
	M_SPEC_NOTE,
	M_DEALERS, M_TEST_DRIVES, M_NO_TEST_DRIVES, M_OTHER_DEALERS, M_CLOSED,
	M_CONTACT, M_TAX, M_GENERATED,
	M_COUNT
};

/* Paragraphs laid out as one column of lines, to be dealt into page columns. */
struct catalog_line {
	PangoLayoutLine	*line;	/* owned by one of the flow's layouts */
	unsigned	 para;	/* which paragraph it belongs to */
	double		 x;
	double		 top;	/* in the single column */
	double		 h;
	double		 base;	/* baseline below top */
};

struct catalog_flow {
	GPtrArray	*layouts;	/* one per paragraph */
	GArray		*lines;
	double		 next;	/* top of the next paragraph */
};

/* ---- catalog_layout.c: phrases ---- */

extern const char *const catalog_msgs[M_COUNT][LANG_COUNT];

const char	*catalog_msg(const struct catalog_doc *, enum catalog_msg);
/* A content text in the catalog's language; the other language rather than a hole. */
const char	*catalog_tx(const struct catalog_doc *, const struct text *);
/* Appends to a NUL-terminated buffer; output that does not fit is cut. */
void		 catalog_cat(char *dst, size_t len, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));

/* ---- catalog_layout.c: colours ---- */

/* "#rrggbb", or DEF when S is missing or malformed. */
struct catalog_rgb	catalog_colour(const char *s, unsigned int def);
/* A blended towards B by T (0: A, 1: B). */
struct catalog_rgb	catalog_mix(struct catalog_rgb a, struct catalog_rgb b, double t);
void	catalog_palette_init(struct catalog_palette *, const struct brand *);
void	catalog_rgb(cairo_t *, const struct catalog_rgb *);
void	catalog_fill(cairo_t *, const struct catalog_rgb *, double x, double y, double w,
	    double h);
void	catalog_hline(cairo_t *, const struct catalog_rgb *, double x0, double x1,
	    double y, double width);

/* ---- catalog_layout.c: text and links ---- */

/* Draws TEXT with its top at Y and returns its height; WIDTH > 0 wraps. */
double	catalog_show(struct catalog_doc *, const char *text, const struct catalog_font *,
	    const struct catalog_rgb *, double x, double y, double width, PangoAlignment);
/* The height TEXT takes in WIDTH. */
double	catalog_measure(struct catalog_doc *, const char *text,
	    const struct catalog_font *, double width);
/* The width of TEXT on one line. */
double	catalog_text_width(struct catalog_doc *, const char *text,
	    const struct catalog_font *);
/* Structure for those who read the PDF with a screen reader: TAG ("H1", "P", "Table",
 * "TR", "TH", "TD") around the drawing between begin and end; only in the PDF. cairo
 * fails the document when a begin has no end, so a mistake cannot ship. */
void	catalog_tag_begin(struct catalog_doc *, const char *tag);
void	catalog_tag_end(struct catalog_doc *, const char *tag);
/* A clickable URI over the drawing between begin and end; only in the PDF. */
void	catalog_link_begin(struct catalog_doc *, const char *uri);
void	catalog_link_end(struct catalog_doc *, const char *uri);

/* ---- catalog_layout.c: pages ---- */

void	catalog_page_open(struct catalog_doc *);
/* The footer, then the next page. */
void	catalog_page_close(struct catalog_doc *);
/* Opens the first inner page of section S, titled TITLE. */
void	catalog_section_begin(struct catalog_doc *, enum catalog_sect s,
	    enum catalog_msg title);
/* Makes room for H points, breaking the page when they do not fit; 1 when it broke. */
int	catalog_need(struct catalog_doc *, double h);

/* ---- catalog_layout.c: flow columns ---- */

void	catalog_flow_init(struct catalog_flow *);
void	catalog_flow_free(struct catalog_flow *);
/* Adds a paragraph of TEXT set in WIDTH, GAP points above the next one. */
void	catalog_flow_add(struct catalog_doc *, struct catalog_flow *, const char *text,
	    const struct catalog_font *, double width, double gap);
/* Deals the lines into two columns from d->y, page after page; BOTTOM limits the
 * first page. */
void	catalog_flow_columns(struct catalog_doc *, const struct catalog_flow *,
	    double bottom, const struct catalog_rgb *);

/* ---- the sections, a page or more each ---- */

/* catalog_cover.c; the illustration is loaded once for both passes. */
void	catalog_image_load(struct catalog_doc *);
void	catalog_image_free(struct catalog_image *);
void	catalog_cover(struct catalog_doc *);
/* catalog_overview.c */
void	catalog_overview(struct catalog_doc *);
/* catalog_specs.c */
void	catalog_specs(struct catalog_doc *);
/* catalog_dealers.c */
void	catalog_dealers(struct catalog_doc *);

#endif
