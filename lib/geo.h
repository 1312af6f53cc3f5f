/*
 * geo.h - geo math: affine transforms, windows and bounds, UTM zones, and a thin
 * PROJ wrapper that transforms arrays of points in x=lon/easting, y=lat/northing
 * order (proj_normalize_for_visualization), whatever the CRS's official axis order.
 */
#ifndef GEO_H
#define GEO_H

#include <stddef.h>

#define GEO_EARTH_RADIUS_KM 6371.0
#define GEO_M_PER_DEG_LAT 111320.0

/* Affine as STAC proj:transform [a,b,c,d,e,f]: x = a*col + b*row + c, y = d*col + e*row + f. */
void geo_apply(const double t[6], double col, double row, double *x, double *y);
/* Inverse transform; -1 when singular. */
int geo_invert(const double t[6], double inv[6]);
/* Transform of the window whose top-left pixel corner is (col0,row0), pixels scaled by
 * factor (factor 2 = pixels twice as large). */
void geo_window_transform(const double t[6], double col0, double row0, double factor,
    double out[6]);
/* Bounds (xmin, ymin, xmax, ymax) of a width x height window under t. */
void geo_window_bounds(const double t[6], int width, int height, double b[4]);

/* UTM zone 1..60 for lon/lat, with the Norway and Svalbard exceptions. */
int geo_utm_zone(double lon, double lat);
/* EPSG code of the WGS 84 UTM zone: 326zz north, 327zz south. */
int geo_utm_epsg(double lon, double lat);

/* Great-circle distance in km (haversine, R = 6371 km). */
double geo_haversine_km(double lon1, double lat1, double lon2, double lat2);
/* Offset a point by east/north metres on the local tangent plane (111320 m per
 * degree of latitude, 111320*cos(lat) per degree of longitude, lat clamped to +-89). */
void geo_offset_m(double lon, double lat, double east_m, double north_m,
    double *olon, double *olat);
/* Square bbox of side km centred on the point, as the original builder:
 * half-side in degrees = (km/2)/6371 km in radians, longitude divided by cos(lat). */
void geo_bbox_km(double lon, double lat, double side_km, double bbox[4]);

/* PROJ: a transformation between two CRS strings ("EPSG:4326", "EPSG:32633", WKT...). */
struct geo_xform;
struct geo_xform *geo_xform_new(const char *src, const char *dst, char *err, size_t errlen);
void geo_xform_free(struct geo_xform *x);
/* Transform n points in place; -1 if any failed (err set). */
int geo_xform_points(struct geo_xform *x, double *xs, double *ys, size_t n,
    char *err, size_t errlen);

/* "EPSG:32633" -> 32633; 0 if not of that form. */
int geo_epsg_of(const char *crs);

#endif
