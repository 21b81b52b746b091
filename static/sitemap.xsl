<?xml version="1.0" encoding="UTF-8"?>
<!-- Shows the sitemaps (sitemap.xml, its sections, the Google News sitemap) as a page
     when a person opens them in a browser; crawlers ignore it. No script, and the
     styles come from the site's own stylesheet, so the Content-Security-Policy holds. -->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:s="http://www.sitemaps.org/schemas/sitemap/0.9"
                xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
                exclude-result-prefixes="s news">
  <xsl:output method="html" encoding="UTF-8" indent="yes" doctype-system="about:legacy-compat"/>

  <xsl:template match="/">
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="robots" content="noindex"/>
        <title>Sitemap</title>
        <link rel="stylesheet" href="/static/site.css"/>
      </head>
      <body>
        <main class="wrap sitemap">
          <h1>Sitemap</h1>
          <p>This file tells search engines which pages the site has. It is meant for crawlers; the
            <a href="/">front page</a> is the place to start reading.</p>
          <xsl:apply-templates select="s:urlset | s:sitemapindex"/>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="s:sitemapindex">
    <p><xsl:value-of select="count(s:sitemap)"/> sitemap files:</p>
    <ul class="sitemap__list">
      <xsl:for-each select="s:sitemap">
        <li><a href="{s:loc}"><xsl:value-of select="s:loc"/></a></li>
      </xsl:for-each>
    </ul>
  </xsl:template>

  <xsl:template match="s:urlset">
    <p><xsl:value-of select="count(s:url)"/> addresses.</p>
    <table class="sitemap__table">
      <thead>
        <tr><th scope="col">Address</th><th scope="col">Title</th><th scope="col">Date</th></tr>
      </thead>
      <tbody>
        <xsl:for-each select="s:url">
          <tr>
            <td><a href="{s:loc}"><xsl:value-of select="s:loc"/></a></td>
            <td><xsl:value-of select="news:news/news:title"/></td>
            <td>
              <xsl:value-of select="news:news/news:publication_date"/>
              <xsl:value-of select="s:lastmod"/>
            </td>
          </tr>
        </xsl:for-each>
      </tbody>
    </table>
  </xsl:template>
</xsl:stylesheet>
