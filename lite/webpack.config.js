/*
 * The notebook page (page/index.js) into build/bundle.js and its chunks, as
 * jupyter/lab/webpack.config.js builds JupyterLab's notebook page. webpack is
 * pinned to 5.94.0 (5.113.0 reports success with modules missing).
 * Production mode (minified): the page a learner downloads.
 */
const path = require("path");
const webpack = require("webpack");
const miniSVGDataURI = require("mini-svg-data-uri");

module.exports = (env = {}) => ({
  entry: "./page/index.js",
  output: { path: path.join(__dirname, "build"), filename: "bundle.js", chunkFilename: "[name].[contenthash:8].js", publicPath: "auto", clean: false },
  bail: true,
  devtool: false,
  mode: env.development ? "development" : "production",
  performance: { hints: false },
  // The page's code in one chunk (bundle.js and what index.js imports after setting the page config),
  // the editor's language modes and the like in chunks of their own, loaded if a notebook needs them.
  optimization: { splitChunks: false },
  module: {
    rules: [
      { test: /\.m?js$/, resolve: { fullySpecified: false } },
      { test: /\.css$/, use: ["style-loader", "css-loader"] },
      { test: /\.html$/, type: "asset/resource" },
      { test: /\.md$/, type: "asset/source" },
      {
        test: /\.svg(\?v=\d+\.\d+\.\d+)?$/,
        issuer: /\.css$/,
        type: "asset/inline",
        generator: { dataUrl: (content) => miniSVGDataURI(content.toString()) },
      },
      { test: /\.svg(\?v=\d+\.\d+\.\d+)?$/, issuer: /\.js$/, type: "asset/source" },
      { test: /\.(png|jpg|gif|ttf|woff|woff2|eot)(\?v=[0-9]\.[0-9]\.[0-9])?$/, type: "asset" },
    ],
  },
  plugins: [
    new webpack.DefinePlugin({ process: { cwd: () => "/", env: {} } }),
  ],
});
