/*
 * Builds src/index.js into build/bundle.js (and chunks), as JupyterLab's
 * examples/notebook (v4.5.10) does. webpack is pinned to 5.94.0: 5.113.0
 * reports success with 124 modules missing and the page never starts.
 * Development mode without source maps: no minifier, the shortest build.
 */
const path = require("path");
const webpack = require("webpack");
const miniSVGDataURI = require("mini-svg-data-uri");

module.exports = {
  entry: "./src/index.js",
  output: { path: path.join(__dirname, "build"), filename: "bundle.js", publicPath: "auto", clean: true },
  bail: true,
  devtool: false,
  mode: "development",
  resolve: {
    alias: {
      // jupyterlab-plotly's renderer imports plotly.js/dist/plotly; package.json's
      // overrides install plotly.js-dist-min (the same plotly.js, prebuilt) under that name.
      "plotly.js/dist/plotly$": path.join(__dirname, "node_modules/plotly.js/plotly.min.js"),
    },
  },
  module: {
    rules: [
      // Some packages (@jupyter/web-components) are ES modules that import without file extensions.
      { test: /\.m?js$/, resolve: { fullySpecified: false } },
      { test: /\.css$/, use: ["style-loader", "css-loader"] },
      { test: /\.html$/, type: "asset/resource" },
      { test: /\.md$/, type: "asset/source" },
      {
        // In .css files, svg is loaded as a data URI.
        test: /\.svg(\?v=\d+\.\d+\.\d+)?$/,
        issuer: /\.css$/,
        type: "asset/inline",
        generator: { dataUrl: (content) => miniSVGDataURI(content.toString()) },
      },
      {
        // In JavaScript, svg files are raw strings (the icons of @jupyterlab/ui-components).
        test: /\.svg(\?v=\d+\.\d+\.\d+)?$/,
        issuer: /\.js$/,
        type: "asset/source",
      },
      { test: /\.(png|jpg|gif|ttf|woff|woff2|eot)(\?v=[0-9]\.[0-9]\.[0-9])?$/, type: "asset" },
    ],
  },
  plugins: [
    new webpack.DefinePlugin({
      // Needed by packages that call process.cwd(), like the path polyfill.
      process: { cwd: () => "/", env: {} },
    }),
  ],
};
